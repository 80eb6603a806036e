"""Academy test helpers: a branch, a teacher (staff with the teacher role), a course
item, classes, students with guardians; and the alpha schema set for the test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.workspace import make_staff

MONDAY = dt.date(2026, 3, 2)  # a Monday, far enough ahead for the tests' clocks


def make_teacher(email: str = "teacher@academy.test", branches=()):
    """A staff member of alpha with the teacher role (connection back on public)."""
    user = make_staff("alpha", email, ["teacher"], branches)
    user.full_name = user.full_name or "Lee Teacher"
    user.save(update_fields=["full_name"])
    connection.set_schema_to_public()
    return user


def make_branch(name: str = "Main campus", tz: str = "Asia/Seoul"):
    from apps.branches.models import Branch

    return Branch.objects.create(name=name, timezone=tz)


def make_course(name: str = "Middle-school Math", price: int = 220000, **extra):
    from apps.catalog.models import Item

    return Item.objects.create(**{"kind": Item.Kind.COURSE, "name": name, "price": price, "vat_rate": 0, **extra})


def make_class(*, teacher, branch, course=None, actor=None, **fields):
    from apps.academy.services import class_create

    values = {"capacity": 10, "weekdays": [0, 2], "start_time": dt.time(16, 0), "duration_minutes": 90,
              "starts_on": MONDAY, "ends_on": None, "room": "201", "name": ""}
    values.update(fields)
    return class_create(course=course or make_course(), teacher=teacher, branch=branch, actor=actor, **values)


def make_student(name: str = "Kim Jihoon", *, guardian_email: str | None = None, **extra):
    from apps.crm.models import Customer, GuardianContact

    student = Customer.objects.create(name=name, **extra)
    if guardian_email:
        GuardianContact.objects.create(customer=student, name=f"Parent of {name}", relation="mother",
                                       phone="010-9876-5432", email=guardian_email)
    return student


def events_named(name: str):
    from apps.events.models import Event

    return list(Event.objects.filter(name=name).order_by("pk"))


def audit_actions(prefix: str = "academy.") -> list[str]:
    from apps.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(action__startswith=prefix).order_by("pk").values_list("action", flat=True))


@pytest.fixture
def teacher(db):
    return make_teacher()


@pytest.fixture
def alpha(db, owner_alpha, teacher):
    """Inside alpha's schema: the owner (the actor of most writes)."""
    with schema_context("alpha"):
        yield owner_alpha


@pytest.fixture
def branch(alpha):
    return make_branch()


@pytest.fixture
def klass(alpha, teacher, branch):
    return make_class(teacher=teacher, branch=branch, actor=alpha)
