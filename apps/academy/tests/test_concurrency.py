"""Enrolments under real concurrency, on committed data with one database connection per
thread (a test transaction would hold every lock until the test ends): the last seat
goes to exactly one student, the others are refused or waitlisted in a line without
gaps or duplicates. Everything the test wrote in alpha is removed after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.models import User
from tests.plugin import TENANTS, race

THREADS = 8


@pytest.fixture
def world(committed):
    from apps.directory.models import ListingDailyOrders
    from tests.workspace import make_staff

    owner = User.objects.get(email=TENANTS["alpha"]["owner_email"])
    teacher = make_staff("alpha", committed.email("racing-teacher@academy.test"), ["teacher"])
    connection.set_schema_to_public()
    daily = {row.pk: row.count for row in ListingDailyOrders.objects.filter(listing__tenant__slug="alpha")}
    with schema_context("alpha"):
        from apps.academy.services import class_create
        from apps.branches.models import Branch
        from apps.catalog.models import Item
        from apps.crm.models import Customer
        from apps.orders.models import OrderNumber

        last_number = OrderNumber.objects.get(pk=1).last
        branch = Branch.objects.create(name="Racing campus")
        course = Item.objects.create(kind="course", name="Racing Math", price=100000, vat_rate=0)
        classes = [class_create(course=course, teacher=teacher, branch=branch, capacity=1, weekdays=[n],
                                start_time=dt.time(16), duration_minutes=60, starts_on=dt.date(2027, 1, 4),
                                room="R", name=f"Race {n}", actor=owner) for n in range(2)]
        students = [Customer.objects.create(name=f"Racer {n}") for n in range(THREADS)]
    connection.set_schema_to_public()
    try:
        yield {"owner": owner, "classes": classes, "students": students}
    finally:
        with schema_context("alpha"):
            from apps.academy.models import Class, Enrolment, EnrolmentTransition, StudentProfile, TuitionInvoice
            from apps.orders.models import Order, OrderLine, OrderTransition
            from apps.rbac.models import RoleAssignment
            from apps.staff.models import StaffProfile

            enrolments = Enrolment.objects.filter(klass__in=classes)
            orders = Order.objects.filter(number__gt=last_number)
            TuitionInvoice.objects.filter(enrolment__in=enrolments).delete()
            EnrolmentTransition.objects.filter(enrolment__in=enrolments).delete()
            enrolments.delete()
            OrderTransition.objects.filter(order__in=orders).delete()
            OrderLine.objects.filter(order__in=orders).delete()
            orders.delete()
            OrderNumber.objects.filter(pk=1).update(last=last_number)
            Class.objects.filter(pk__in=[klass.pk for klass in classes]).delete()
            StudentProfile.objects.filter(customer__in=students).delete()
            Customer.objects.filter(pk__in=[student.pk for student in students]).delete()
            course.delete()
            branch.delete()
            StaffProfile.objects.filter(user_id=teacher.pk).delete()
            RoleAssignment.objects.filter(user_id=teacher.pk).delete()
        for row in ListingDailyOrders.objects.filter(listing__tenant__slug="alpha"):
            if row.pk in daily:
                ListingDailyOrders.objects.filter(pk=row.pk).update(count=daily[row.pk])
            else:
                row.delete()


def test_the_last_seat_goes_to_exactly_one_of_many_at_once(world):
    from apps.academy.errors import ClassFull
    from apps.academy.models import Enrolment
    from apps.academy.services import enrolment_create

    klass = world["classes"][0]
    results = race(THREADS, lambda index: enrolment_create(student=world["students"][index], klass=klass,
                                                           actor=world["owner"], waitlist=False))
    enrolled = [result for result in results if isinstance(result, Enrolment)]
    refused = [result for result in results if not isinstance(result, Enrolment)]
    assert len(enrolled) == 1, results
    assert all(isinstance(error, ClassFull) for error in refused), refused
    with schema_context("alpha"):
        rows = list(Enrolment.objects.filter(klass=klass).values_list("status", "order__kind"))
    assert rows == [("pending_payment", "enrolment")]


def test_the_rest_line_up_on_the_waitlist_without_gaps(world):
    from apps.academy.models import Enrolment
    from apps.academy.services import enrolment_create

    klass = world["classes"][1]
    results = race(THREADS, lambda index: enrolment_create(student=world["students"][index], klass=klass,
                                                           actor=world["owner"]))
    assert all(isinstance(result, Enrolment) for result in results), results
    with schema_context("alpha"):
        rows = list(Enrolment.objects.filter(klass=klass).values_list("status", "waitlist_position"))
    assert sorted(status for status, _p in rows).count("pending_payment") == 1
    assert sorted(position for status, position in rows if status == "waitlisted") == list(range(1, THREADS))
