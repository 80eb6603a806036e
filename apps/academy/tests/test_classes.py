"""Classes: a schedule is checked (weekdays, duration, dates), two classes never share a
room at the same time (the refusal names the other class, nothing is written), the
teacher is staff, course details belong to course items; all audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import schema_context

from apps.academy.errors import NotACourse, ScheduleOverlap, TeacherNotStaff
from apps.academy.models import Class, Session
from apps.academy.services import class_update, course_details_set, student_profile_set
from apps.academy.validation import schedules_meet
from apps.core.errors import InvalidData

from .conftest import MONDAY, audit_actions, make_branch, make_class, make_course, make_student, make_teacher


def test_a_class_is_created_audited_and_gets_its_sessions(alpha, teacher, branch):
    klass = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[2, 0, 2], name="")
    assert klass.weekdays == [0, 2] and klass.name == "Middle-school Math"  # the course's name by default
    assert Session.objects.filter(klass=klass).exists()
    assert audit_actions() == ["academy.class_created"]


@pytest.mark.parametrize("fields, field", [
    ({"weekdays": []}, "weekdays"),
    ({"weekdays": [7]}, "weekdays"),
    ({"weekdays": ["mon"]}, "weekdays"),
    ({"duration_minutes": 0}, "duration_minutes"),
    ({"duration_minutes": 721}, "duration_minutes"),
    ({"start_time": "16:00"}, "start_time"),
    ({"ends_on": MONDAY - dt.timedelta(days=1)}, "ends_on"),
    ({"capacity": 0}, "capacity"),
])
def test_a_bad_schedule_is_refused_and_nothing_is_written(alpha, teacher, branch, fields, field):
    with pytest.raises(InvalidData) as refused:
        make_class(teacher=teacher, branch=branch, actor=alpha, **fields)
    assert field in refused.value.details
    assert not Class.objects.exists() and audit_actions() == []


def test_an_overlapping_schedule_in_the_same_room_is_refused_naming_the_other_class(alpha, teacher, branch):
    first = make_class(teacher=teacher, branch=branch, actor=alpha, name="Math A", weekdays=[0, 2],
                       start_time=dt.time(16, 0), duration_minutes=90)
    with pytest.raises(ScheduleOverlap) as refused:
        make_class(teacher=teacher, branch=branch, actor=alpha, name="English B", weekdays=[2, 4],
                   start_time=dt.time(17, 0), duration_minutes=60, room=" 201 ")
    assert "Math A" in str(refused.value.message) and "201" in str(refused.value.message)
    assert refused.value.details == {"class": first.pk, "name": "Math A", "room": "201"}
    assert refused.value.code == "academy_schedule_overlap" and refused.value.status == 409
    assert list(Class.objects.values_list("name", flat=True)) == ["Math A"]


def test_what_does_not_clash(alpha, teacher, branch):
    make_class(teacher=teacher, branch=branch, actor=alpha, name="Math A", weekdays=[0, 2],
               start_time=dt.time(16, 0), duration_minutes=90, ends_on=MONDAY + dt.timedelta(days=30))
    other_branch = make_branch("Second campus")
    make_class(teacher=teacher, branch=branch, actor=alpha, name="Right after", weekdays=[0],
               start_time=dt.time(17, 30))  # 17:30 is when Math A ends
    others = [make_teacher(f"teacher-{number}@academy.test") for number in range(3)]  # one teacher, one class at once
    with schema_context("alpha"):  # make_teacher left the connection on public
        make_class(teacher=others[0], branch=branch, actor=alpha, name="Another room", room="202")
        make_class(teacher=others[1], branch=other_branch, actor=alpha, name="Another branch")
        make_class(teacher=teacher, branch=branch, actor=alpha, name="After it ended",
                   starts_on=MONDAY + dt.timedelta(days=31))
        make_class(teacher=others[2], branch=branch, actor=alpha, name="No room", room="")
        assert Class.objects.count() == 6


def test_schedules_meet_past_midnight_and_only_on_days_both_run():
    late = {"weekdays": [0], "start_time": dt.time(23, 0), "duration_minutes": 120, "starts_on": MONDAY,
            "ends_on": None}
    early_tuesday = {"weekdays": [1], "start_time": dt.time(0, 30), "duration_minutes": 30, "starts_on": MONDAY,
                     "ends_on": None}
    assert schedules_meet(late, early_tuesday) and schedules_meet(early_tuesday, late)
    # both run on Wednesdays at 10:00, but their date ranges share only a Monday and a Tuesday
    wednesdays = {"weekdays": [2], "start_time": dt.time(10), "duration_minutes": 60, "starts_on": MONDAY,
                  "ends_on": None}
    assert not schedules_meet({**wednesdays, "ends_on": MONDAY + dt.timedelta(days=1)},
                              {**wednesdays, "starts_on": MONDAY - dt.timedelta(days=7)})
    assert not schedules_meet(wednesdays, {**wednesdays, "weekdays": [3]})
    assert schedules_meet(wednesdays, {**wednesdays, "starts_on": MONDAY + dt.timedelta(days=20)})
    assert schedules_meet({**wednesdays, "start_time": dt.time(10, 59)}, wednesdays)
    assert not schedules_meet({**wednesdays, "start_time": dt.time(11)}, wednesdays)


def test_moving_a_class_into_a_taken_room_is_refused(alpha, teacher, branch):
    make_class(teacher=teacher, branch=branch, actor=alpha, name="Math A", weekdays=[0])
    other = make_class(teacher=teacher, branch=branch, actor=alpha, name="Science", weekdays=[1])
    with pytest.raises(ScheduleOverlap):
        class_update(klass=other, actor=alpha, weekdays=[0, 1])
    other.refresh_from_db()
    assert other.weekdays == [1]
    assert class_update(klass=other, actor=alpha, weekdays=[1, 3], capacity=12) == {
        "capacity": [10, 12], "weekdays": [[1], [1, 3]]}
    assert audit_actions()[-1] == "academy.class_updated"


def test_a_new_schedule_replaces_the_untouched_future_sessions(alpha, teacher, branch):
    klass = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[0])
    assert {s.starts_at.astimezone(dt.UTC).weekday() for s in Session.objects.filter(klass=klass)} == {0}
    class_update(klass=klass, actor=alpha, weekdays=[4])
    assert {s.starts_at.astimezone(dt.UTC).weekday() for s in Session.objects.filter(klass=klass)} == {4}


def test_the_teacher_is_a_staff_member_and_the_course_a_course(alpha, branch, teacher):
    from apps.accounts.models import User

    outsider = User.objects.create_user("outsider@academy.test", "x")
    with pytest.raises(TeacherNotStaff):
        make_class(teacher=outsider, branch=branch, actor=alpha)
    with pytest.raises(NotACourse):
        make_class(teacher=teacher, branch=branch, actor=alpha, course=make_course(kind="product"))
    with pytest.raises(NotACourse):
        course_details_set(item=make_course(kind="product"), actor=alpha, subject="Math")
    assert not Class.objects.exists()


def test_course_details_and_student_profiles(alpha):
    course = make_course()
    details = course_details_set(item=course, actor=alpha, subject="Math", level="Middle 2", billing="pass")
    assert (details.subject, details.level, details.billing) == ("Math", "Middle 2", "pass")
    course_details_set(item=course, actor=alpha, subject="Math", level="Middle 3", billing="pass")
    with pytest.raises(InvalidData):
        course_details_set(item=course, actor=alpha, subject="Math", billing="yearly")
    student = make_student()
    profile = student_profile_set(customer=student, actor=alpha, school=" Seoul Middle ", grade="2")
    student_profile_set(customer=student, actor=alpha, grade="3")
    profile.refresh_from_db()
    assert (profile.school, profile.grade) == ("Seoul Middle", "3")
    assert audit_actions() == ["academy.course_details_set", "academy.course_details_set",
                               "academy.student_created", "academy.student_updated"]
