"""Attendance: staff take the roster, students check in at the kiosk with the session's
code; a student not in the class, a cancelled session, a bad status change nothing; a
late or absent student publishes `academy.attendance_marked` for the student, and the
guardian receives the message (notifications' customer audience and guardian contacts)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from apps.academy.errors import CheckInCodeInvalid, NotEnrolled, SessionCancelled
from apps.academy.models import Attendance, Enrolment, Session
from apps.academy.provisioning import TEMPLATES, seed_academy_templates
from apps.academy.services import (
    attendance_check_in,
    attendance_take,
    enrolment_create,
    enrolment_pause,
    session_cancel,
    sessions_generate,
)
from apps.audit.models import AuditEvent
from apps.core.errors import InvalidData
from apps.events.models import Event
from apps.events.services import event_dispatch

from .conftest import events_named, make_class, make_student

JAN_4 = dt.date(2027, 1, 4)


@pytest.fixture
def lesson(alpha, teacher, branch):
    """A class with two students (one with a guardian) and its session of 4 January 2027."""
    klass = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[0], starts_on=JAN_4)
    sessions_generate(today=JAN_4, horizon_days=7)
    jihoon = make_student("Kim Jihoon", guardian_email="mother@academy.test")
    sora = make_student("Park Sora")
    for student in (jihoon, sora):
        enrolment_create(student=student, klass=klass, actor=alpha)
    return {"class": klass, "session": Session.objects.get(klass=klass), "jihoon": jihoon, "sora": sora}


def unchanged():
    return (list(Attendance.objects.values_list("pk", "status")), Event.objects.count(), AuditEvent.objects.count())


def test_staff_take_the_roster_and_a_late_student_s_guardian_is_told(alpha, lesson):
    from apps.tenants.models import Tenant

    seed_academy_templates(tenant=Tenant.objects.get(slug="alpha"), owner=alpha)
    session, jihoon, sora = lesson["session"], lesson["jihoon"], lesson["sora"]
    rows = attendance_take(session=session, actor=alpha,
                           records=[{"student": jihoon, "status": "late"}, {"student": sora.pk, "status": "present"}])
    assert sorted((row.student_id, row.status, row.source, row.marked_by_id) for row in rows) == sorted([
        (jihoon.pk, "late", "staff", alpha.pk), (sora.pk, "present", "staff", alpha.pk)])
    (marked,) = events_named("academy.attendance_marked")
    assert marked.data["customer"] == {"id": jihoon.pk, "name": "Kim Jihoon"}
    assert (marked.data["attendance"]["status"], marked.data["session"]["local_time"]) == ("late", "16:00")
    audit = AuditEvent.objects.get(action="academy.attendance_taken")
    assert len(audit.metadata["records"]) == 2

    assert event_dispatch(event_id=marked.pk)
    from apps.notifications.dispatch import delivery_send
    from apps.notifications.models import Delivery

    deliveries = list(Delivery.objects.filter(event=marked).order_by("audience", "address"))
    guardian = [d for d in deliveries if d.address == "mother@academy.test"]
    assert len(guardian) == 1 and guardian[0].channel == "email"
    assert "Kim Jihoon" in guardian[0].body and "16:00" in guardian[0].body
    delivery_send(delivery_id=guardian[0].pk)
    assert mail.outbox[-1].to == ["mother@academy.test"]

    # marking again the same changes nothing; absent after late is told again
    assert attendance_take(session=session, actor=alpha, records=[{"student": jihoon, "status": "late"}]) == []
    attendance_take(session=session, actor=alpha, records=[{"student": jihoon, "status": "absent"}])
    assert [e.data["attendance"]["status"] for e in events_named("academy.attendance_marked")] == ["late", "absent"]
    assert Attendance.objects.get(session=session, student=jihoon).status == "absent"


def test_refusals_change_nothing(alpha, lesson, teacher, branch):
    session, jihoon = lesson["session"], lesson["jihoon"]
    other = make_class(teacher=teacher, branch=branch, actor=alpha, weekdays=[1], starts_on=JAN_4, room="B")
    stranger = make_student("Choi Stranger")
    enrolment_create(student=stranger, klass=other, actor=alpha)
    before = unchanged()
    with pytest.raises(NotEnrolled) as refused:  # enrolled in another class only
        attendance_take(session=session, actor=alpha,
                        records=[{"student": jihoon, "status": "present"}, {"student": stranger, "status": "late"}])
    assert refused.value.details["student"] == stranger.pk and refused.value.details["index"] == 1
    other_enrolment = Enrolment.objects.get(student=stranger)
    with pytest.raises(NotEnrolled):
        attendance_take(session=session, actor=alpha, records=[{"enrolment": other_enrolment.pk, "status": "late"}])
    with pytest.raises(InvalidData):
        attendance_take(session=session, actor=alpha, records=[{"student": jihoon, "status": "asleep"}])
    with pytest.raises(InvalidData):
        attendance_take(session=session, actor=alpha,
                        records=[{"student": jihoon, "status": "late"}, {"student": jihoon, "status": "absent"}])
    with pytest.raises(InvalidData):
        attendance_take(session=session, actor=alpha, records=[])
    Enrolment.objects.filter(student=lesson["sora"]).update(status="active")  # as if paid
    enrolment_pause(enrolment=Enrolment.objects.get(student=lesson["sora"]), actor=alpha)
    with pytest.raises(NotEnrolled):  # paused: not in the room
        attendance_take(session=session, actor=alpha, records=[{"student": lesson["sora"], "status": "absent"}])
    assert unchanged()[0] == before[0] and unchanged()[1] == before[1]
    session_cancel(session=session, reason="Exams", actor=alpha)
    with pytest.raises(SessionCancelled):
        attendance_take(session=session, actor=alpha, records=[{"student": jihoon, "status": "present"}])
    assert not Attendance.objects.exists()


def test_kiosk_check_in_with_the_session_code(alpha, lesson):
    session, jihoon, sora = lesson["session"], lesson["jihoon"], lesson["sora"]
    code = session.check_in_code.lower()
    with pytest.raises(CheckInCodeInvalid):  # an hour before: not open yet
        attendance_check_in(code=code, student=jihoon, now=session.starts_at - dt.timedelta(hours=1))
    with pytest.raises(CheckInCodeInvalid):
        attendance_check_in(code="NOPE42", student=jihoon, now=session.starts_at)
    on_time = attendance_check_in(code=code, student=jihoon, now=session.starts_at - dt.timedelta(minutes=5))
    assert (on_time.status, on_time.source, on_time.marked_by_id) == ("present", "kiosk", None)
    again = attendance_check_in(code=code, student=jihoon, now=session.starts_at + dt.timedelta(minutes=30))
    assert again.pk == on_time.pk and again.status == "present"
    late = attendance_check_in(code=f" {code} ", student=sora, now=session.starts_at + dt.timedelta(minutes=25))
    assert late.status == "late"
    assert [e.data["customer"]["id"] for e in events_named("academy.attendance_marked")] == [sora.pk]
    with pytest.raises(NotEnrolled):
        attendance_check_in(code=code, student=make_student("Walk-in"), now=session.starts_at)
    with pytest.raises(CheckInCodeInvalid):  # after the end
        attendance_check_in(code=code, student=jihoon, now=session.ends_at + dt.timedelta(minutes=1))


def test_the_academy_templates_all_validate(alpha):
    from apps.notifications.models import NotificationTemplate
    from apps.tenants.models import Tenant

    seed_academy_templates(tenant=Tenant.objects.get(slug="alpha"), owner=alpha)
    seeded = set(NotificationTemplate.objects.filter(event__startswith="academy.")
                 .values_list("event", "channel", "language"))
    assert seeded == {(t["event"], t["channel"], t["language"]) for t in TEMPLATES}
    seed_academy_templates(tenant=Tenant.objects.get(slug="beta"), owner=alpha)  # a food business: nothing
    assert NotificationTemplate.objects.filter(event__startswith="academy.").count() == len(TEMPLATES)
