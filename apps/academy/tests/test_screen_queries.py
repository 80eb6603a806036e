"""The timetable and the roster keep their query count as a workspace grows: the same
number of queries for a branch (and a teacher) of 2 classes as for one of 6, with a
substitute and a cancelled session in the large one, and for a roster of 2 students as
for one of 7 with attendance marked. Small and large sit side by side in alpha, so both
pages are read in the same state. Timings are measured in tests/perf/academy_screens.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.academy.models import Attendance, Session
from apps.academy.services import attendance_take, enrolment_create, session_cancel, session_substitute_set
from tests.admin_pages import tenant_admin_client

from .conftest import make_branch, make_class, make_course, make_student, make_teacher

SEOUL = dt.timezone(dt.timedelta(hours=9))


def _next_monday() -> dt.date:
    today = timezone.now().astimezone(SEOUL).date()
    return today + dt.timedelta(days=7 - today.weekday())  # a whole week inside the sessions' horizon


def _branch_of(*, name: str, teacher, classes: int, students: int, owner, course, prefix: str):
    """A branch of `classes` classes taught by `teacher` (Mon, Wed, Fri, one an hour from
    9:00), the first with `students` students; returns the branch and the first class's
    session next Monday."""
    branch = make_branch(name)
    first = None
    for number in range(classes):
        klass = make_class(teacher=teacher, branch=branch, actor=owner, course=course, name=f"{prefix} {number}",
                           room=f"{prefix}{number}", weekdays=[0, 2, 4], start_time=dt.time(9 + number, 0),
                           duration_minutes=50, starts_on=timezone.now().date())
        first = first or klass
    for number in range(students):
        enrolment_create(student=make_student(f"{prefix} student {number}"), klass=first, actor=owner)
    monday = _next_monday()
    session = Session.objects.get(klass=first, starts_at__date=monday)
    return branch, session


@pytest.fixture
def screens(db, owner_alpha, teacher):
    """Small: 2 classes of `teacher` at one branch, a roster of 2 (a free course: active).
    Large: 6 classes of another teacher at another branch, a roster of 7 (a paid course:
    pending payment), three of them marked, a session taught by a substitute and one
    cancelled."""
    large_teacher = make_teacher("large-teacher@academy.test")
    substitute = make_teacher("substitute@academy.test")
    with schema_context("alpha"):
        small_branch, small_session = _branch_of(
            name="Small campus", teacher=teacher, classes=2, students=2, owner=owner_alpha,
            course=make_course("Free reading", price=0), prefix="S")
        large_branch, large_session = _branch_of(
            name="Large campus", teacher=large_teacher, classes=6, students=7, owner=owner_alpha,
            course=make_course("Math"), prefix="L")
        attendance_take(session=large_session, actor=owner_alpha, records=[
            {"student": enrolment.student_id, "status": status} for enrolment, status in zip(
                large_session.klass.enrolments.order_by("pk"),
                (Attendance.Status.PRESENT, Attendance.Status.ABSENT, Attendance.Status.LATE), strict=False)])
        week = Session.objects.filter(klass__branch=large_branch, starts_at__date__gt=_next_monday(),
                                      starts_at__date__lt=_next_monday() + dt.timedelta(days=6)).order_by("pk")
        session_substitute_set(session=week[0], teacher=substitute, actor=owner_alpha)
        session_cancel(session=week[1], reason="Teacher ill", actor=owner_alpha)
    connection.set_schema_to_public()
    return {"small_branch": small_branch, "large_branch": large_branch, "small_teacher": teacher,
            "large_teacher": large_teacher, "small_session": small_session, "large_session": large_session}


def _counted(client, url) -> tuple[int, object]:
    assert client.get(url).status_code == 200  # warm the per-process caches
    with CaptureQueriesContext(connections["default"]) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response


def _shown(response) -> int:
    return sum(len(day["sessions"]) for day in response.context["days"])


@pytest.mark.parametrize("by", ["branch", "teacher"])
def test_the_timetable_of_6_classes_costs_what_2_cost(screens, by):
    client = tenant_admin_client("owner@alpha.test")
    week = _next_monday().isoformat()
    small, small_page = _counted(client, f"/admin/academy/session/?week={week}&{by}={screens[f'small_{by}'].pk}")
    large, large_page = _counted(client, f"/admin/academy/session/?week={week}&{by}={screens[f'large_{by}'].pk}")
    assert (_shown(small_page), _shown(large_page)) == (2 * 3, 6 * 3)
    assert "(substitute)" in large_page.content.decode()
    assert large == small, (small, large)


def test_a_teachers_own_timetable_of_6_classes_costs_what_2_cost(screens):
    week = _next_monday().isoformat()
    small, small_page = _counted(tenant_admin_client("teacher@academy.test"), f"/admin/academy/session/?week={week}")
    large, large_page = _counted(tenant_admin_client("large-teacher@academy.test"),
                                 f"/admin/academy/session/?week={week}")
    assert (_shown(small_page), _shown(large_page)) == (2 * 3, 6 * 3)
    assert large == small, (small, large)


def test_the_roster_of_7_students_costs_what_2_cost(screens):
    client = tenant_admin_client("owner@alpha.test")
    small, small_page = _counted(client, f"/admin/academy/session/{screens['small_session'].pk}/roster/")
    large, large_page = _counted(client, f"/admin/academy/session/{screens['large_session'].pk}/roster/")
    assert (len(small_page.context["students"]), len(large_page.context["students"])) == (2, 7)
    assert {row["status"] for row in large_page.context["students"]} == {"present", "absent", "late", ""}
    assert large == small, (small, large)
