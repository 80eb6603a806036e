"""Sessions from the weekly schedule: local times in the branch's zone (with and without
daylight saving), holidays skipped, the class's dates kept, regeneration idempotent
(moved and cancelled sessions are not made again); cancel and move tell every enrolled
student (their guardians through them); substitutes; the beat task in every schema."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from apps.academy.beat import sessions_generate_everywhere
from apps.academy.errors import SessionCancelled, SessionOverlap, TeacherNotStaff
from apps.academy.models import Holiday, Session
from apps.academy.services import (
    enrolment_create,
    holiday_create,
    session_cancel,
    session_move,
    session_substitute_set,
    sessions_generate,
)
from apps.core.errors import InvalidData, ReasonRequired

from .conftest import audit_actions, events_named, make_branch, make_class, make_student, make_teacher

SEOUL, NEW_YORK = ZoneInfo("Asia/Seoul"), ZoneInfo("America/New_York")
JAN_4 = dt.date(2027, 1, 4)  # a Monday


def local_starts(klass, zone):
    return [s.starts_at.astimezone(zone).strftime("%a %m-%d %H:%M")
            for s in Session.objects.filter(klass=klass).order_by("starts_at")]


def test_seoul_sessions_at_the_local_time(alpha, teacher, branch):
    klass = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[0, 2], start_time=dt.time(16),
                       starts_on=JAN_4)
    assert sessions_generate(today=JAN_4, horizon_days=14) == 4
    assert local_starts(klass, SEOUL) == ["Mon 01-04 16:00", "Wed 01-06 16:00", "Mon 01-11 16:00",
                                          "Wed 01-13 16:00"]
    session = Session.objects.filter(klass=klass).first()
    assert session.starts_at == dt.datetime(2027, 1, 4, 7, 0, tzinfo=dt.UTC)
    assert session.ends_at - session.starts_at == dt.timedelta(minutes=90)
    assert session.planned_start == session.starts_at and len(session.check_in_code) == 6


def test_new_york_sessions_keep_their_wall_time_across_daylight_saving(alpha, teacher):
    branch = make_branch("Manhattan", tz="America/New_York")
    klass = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[1, 3], start_time=dt.time(16),
                       starts_on=dt.date(2027, 3, 1))
    gap = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[6], start_time=dt.time(2, 30),
                     duration_minutes=60, starts_on=dt.date(2027, 3, 1), room="B")
    sessions_generate(today=dt.date(2027, 3, 8), horizon_days=14)  # DST starts Sunday 14 March 2027
    assert local_starts(klass, NEW_YORK) == ["Tue 03-09 16:00", "Thu 03-11 16:00", "Tue 03-16 16:00",
                                             "Thu 03-18 16:00"]
    utc = [s.starts_at.astimezone(dt.UTC).hour for s in Session.objects.filter(klass=klass).order_by("starts_at")]
    assert utc == [21, 21, 20, 20]  # EST (UTC-5), then EDT (UTC-4)
    # 02:30 does not exist on 14 March: the session is at the same distance past the gap (03:30 EDT)
    assert local_starts(gap, NEW_YORK) == ["Sun 03-14 03:30", "Sun 03-21 02:30"]


def test_holidays_and_the_class_dates_are_respected_and_generation_is_idempotent(alpha, teacher, branch):
    klass = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[0, 2], starts_on=dt.date(2027, 1, 6),
                       ends_on=dt.date(2027, 1, 18))
    holiday_create(date=dt.date(2027, 1, 11), name="Winter break", actor=alpha)
    assert sessions_generate(today=JAN_4, horizon_days=28) == 3
    assert local_starts(klass, SEOUL) == ["Wed 01-06 16:00", "Wed 01-13 16:00", "Mon 01-18 16:00"]
    assert sessions_generate(today=JAN_4, horizon_days=28) == 0
    assert Session.objects.filter(klass=klass).count() == 3
    assert audit_actions().count("academy.sessions_generated") == 1


def test_moved_and_cancelled_sessions_are_not_made_again(alpha, teacher, branch):
    klass = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[0], starts_on=JAN_4)
    sessions_generate(today=JAN_4, horizon_days=14)
    first, second = Session.objects.filter(klass=klass).order_by("starts_at")
    session_move(session=first, starts_at=first.starts_at + dt.timedelta(days=1), actor=alpha)
    session_cancel(session=second, reason="Exams", actor=alpha)
    assert sessions_generate(today=JAN_4, horizon_days=14) == 0
    assert Session.objects.filter(klass=klass).count() == 2


def test_cancel_tells_each_enrolled_student_and_refuses_twice(alpha, teacher, branch):
    klass = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[0], starts_on=JAN_4)
    sessions_generate(today=JAN_4, horizon_days=7)
    students = [make_student("Kim Jihoon"), make_student("Park Sora")]
    for student in students:
        enrolment_create(student=student, klass=klass, actor=alpha)
    session = Session.objects.get(klass=klass, starts_at__date=JAN_4)
    with pytest.raises(ReasonRequired):
        session_cancel(session=session, reason=" ", actor=alpha)
    session_cancel(session=session, reason="Teacher unwell", actor=alpha)
    assert session.status == Session.Status.CANCELLED and session.cancel_reason == "Teacher unwell"
    told = events_named("academy.session_cancelled")
    assert [e.data["customer"] for e in told] == [{"id": s.pk, "name": s.name} for s in students]
    assert told[0].data["session"]["local_time"] == "16:00" and told[0].data["reason"] == "Teacher unwell"
    assert told[0].data["class"]["teacher"] == "Lee Teacher"
    with pytest.raises(SessionCancelled):
        session_cancel(session=session, reason="again", actor=alpha)
    with pytest.raises(SessionCancelled):
        session_move(session=session, starts_at=session.starts_at + dt.timedelta(hours=2), actor=alpha)
    assert audit_actions().count("academy.session_cancelled") == 1


def test_move_checks_the_room_and_tells_the_students(alpha, teacher, branch):
    klass = make_class(teacher=teacher, branch=branch, actor=alpha, name="Math A", weekdays=[0], starts_on=JAN_4)
    neighbour = make_class(teacher=teacher, branch=branch, actor=alpha, name="Science", weekdays=[1],
                           starts_on=JAN_4)
    sessions_generate(today=JAN_4, horizon_days=7)
    student = make_student()
    enrolment_create(student=student, klass=klass, actor=alpha)
    session = Session.objects.get(klass=klass)
    taken = Session.objects.get(klass=neighbour).starts_at + dt.timedelta(minutes=30)
    with pytest.raises(SessionOverlap) as refused:
        session_move(session=session, starts_at=taken, actor=alpha)
    assert "Science" in str(refused.value.message)
    with pytest.raises(InvalidData):
        session_move(session=session, starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), actor=alpha)
    with pytest.raises(InvalidData):
        session_move(session=session, starts_at=dt.datetime(2027, 1, 5, 18), actor=alpha)  # naive
    new_start = dt.datetime(2027, 1, 5, 18, tzinfo=SEOUL)
    session_move(session=session, starts_at=new_start, actor=alpha, reason="Sports day")
    session.refresh_from_db()
    assert session.starts_at == new_start and session.ends_at == new_start + dt.timedelta(minutes=90)
    (moved,) = events_named("academy.session_moved")
    assert moved.data["customer"]["id"] == student.pk
    assert (moved.data["previous"]["local_date"], moved.data["session"]["local_date"],
            moved.data["session"]["local_time"]) == ("2027-01-04", "2027-01-05", "18:00")


def test_a_substitute_teacher_per_session(alpha, teacher, branch, klass):
    substitute = make_teacher("substitute@academy.test")
    connection.set_schema_to_public()
    from django_tenants.utils import schema_context

    with schema_context("alpha"):
        session = Session.objects.filter(klass=klass).first()
        session_substitute_set(session=session, teacher=substitute, actor=alpha)
        assert Session.objects.get(pk=session.pk).substitute_teacher_id == substitute.pk
        with pytest.raises(TeacherNotStaff):
            from apps.accounts.models import User

            session_substitute_set(session=session, teacher=User.objects.create_user("nobody@academy.test", "x"),
                                   actor=alpha)
        session_substitute_set(session=session, teacher=None, actor=alpha)
        assert Session.objects.get(pk=session.pk).substitute_teacher_id is None
        assert audit_actions().count("academy.session_substitute_set") == 2


def test_a_new_holiday_cancels_the_sessions_already_made_for_it(alpha, teacher, branch):
    klass = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[0, 2], starts_on=JAN_4)
    sessions_generate(today=JAN_4, horizon_days=7)
    enrolment_create(student=make_student(), klass=klass, actor=alpha)
    holiday_create(date=JAN_4, name="New Year holiday", actor=alpha)
    statuses = dict(Session.objects.filter(klass=klass).values_list("starts_at__date", "status"))
    assert statuses == {JAN_4: "cancelled", dt.date(2027, 1, 6): "scheduled"}
    assert [e.data["reason"] for e in events_named("academy.session_cancelled")] == ["New Year holiday"]
    with pytest.raises(InvalidData):
        holiday_create(date=JAN_4, name="Again", actor=alpha)
    assert Holiday.objects.count() == 1


def test_the_beat_task_fills_every_academy_schema(alpha, teacher, branch, klass):
    Session.objects.filter(klass=klass).delete()
    made = sessions_generate_everywhere()
    connection.set_schema_to_public()
    assert set(made) == {"alpha"} and made["alpha"] > 0  # beta has the tables but no class
    from django_tenants.utils import schema_context

    with schema_context("alpha"):
        assert Session.objects.filter(klass=klass).count() == made["alpha"]
        assert sessions_generate_everywhere() == {}
