"""Attendance per session: staff take the roster (present, late, absent, excused) or a
student checks in at the kiosk with the session's code. Every record is checked before
anything is written: a cancelled session, a student not attending the session's class
or a bad status changes nothing. Late and absent publish `academy.attendance_marked`
with the student as `customer`, so their guardians hear of it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import InvalidData
from apps.events.services import event_record

from .. import events
from ..conf import setting
from ..errors import CheckInCodeInvalid, NotEnrolled, SessionCancelled
from ..models import Attendance, Enrolment, Session
from .common import _audit, billed_per_pass
from .passes import attendance_billing

A = Attendance.Status
NOTIFIED = (A.LATE, A.ABSENT)


def _session_locked(session_id: int) -> Session:
    return (Session.objects.select_for_update(of=("self",))
            .select_related("klass__branch", "klass__course", "klass__teacher").get(pk=session_id))


def _attending(session: Session) -> dict[int, Enrolment]:
    """The session's students by customer id: the class's pending-payment and active enrolments."""
    rows = (Enrolment.objects.filter(klass_id=session.klass_id, status__in=Enrolment.ATTENDING)
            .select_related("student"))
    return {enrolment.student_id: enrolment for enrolment in rows}


def _resolve(session: Session, records: list[dict]) -> list[tuple[Enrolment, str, str]]:
    """(enrolment, status, note) per record, or InvalidData / NotEnrolled before any write."""
    if not isinstance(records, list) or not records:
        raise InvalidData(details={"records": [_("Give at least one student's attendance.")]})
    attending = _attending(session)
    by_enrolment = {enrolment.pk: enrolment for enrolment in attending.values()}
    resolved, seen = [], set()
    for index, record in enumerate(records):
        record = record if isinstance(record, dict) else {}
        status = record.get("status")
        if status not in A.values:
            raise InvalidData(details={"records": {index: {"status": [_("Choose one of: %(choices)s.")
                                                                      % {"choices": ", ".join(A.values)}]}}})
        student, enrolment_ref = record.get("student"), record.get("enrolment")
        student_id = getattr(student, "pk", student)
        enrolment_id = getattr(enrolment_ref, "pk", enrolment_ref)
        enrolment = by_enrolment.get(enrolment_id) if enrolment_ref is not None else attending.get(student_id)
        if enrolment is None or (student is not None and enrolment.student_id != student_id):
            raise NotEnrolled(details={"session": session.pk, "class": session.klass_id, "index": index,
                                       **({"student": student_id} if student is not None else {}),
                                       **({"enrolment": enrolment_id} if enrolment_ref is not None else {})})
        if enrolment.pk in seen:
            raise InvalidData(details={"records": {index: {"student": [_("This student is listed twice.")]}}})
        seen.add(enrolment.pk)
        resolved.append((enrolment, status, str(record.get("note") or "")[:200]))
    return resolved


def _tell(session: Session, enrolment: Enrolment, attendance: Attendance) -> None:
    event_record(events.ATTENDANCE_MARKED.name, {
        "attendance": {"status": attendance.status, "status_label": events.labels(A, attendance.status),
                       "source": attendance.source},
        "session": events.session_data(session), "class": events.class_data(session.klass),
        "customer": events.customer_data(enrolment.student)})


def _write(session: Session, resolved, *, actor, source: str, now: dt.datetime) -> list[Attendance]:
    """Create or change each record; returns those written (unchanged ones are skipped).
    Guardians are told of each student newly late or absent."""
    existing = {row.student_id: row for row in Attendance.objects.select_for_update().filter(session=session)}
    per_pass = billed_per_pass(session.klass)  # once per roll call, not per student
    marked_by = actor if getattr(actor, "is_authenticated", False) else None
    written, changes = [], []
    for enrolment, status, note in resolved:
        row = existing.get(enrolment.student_id)
        before = row.status if row is not None else None
        if row is not None and row.status == status and row.note == note:
            continue
        if row is None:
            row = Attendance(session=session, student_id=enrolment.student_id)
        row.enrolment, row.status, row.note, row.source = enrolment, status, note, source
        row.marked_by, row.marked_at = marked_by, now
        row.save()
        if per_pass:
            attendance_billing(attendance=row, session=session, before=before)
        written.append(row)
        changes.append({"student": enrolment.student_id, "enrolment": enrolment.pk, "from": before, "to": status})
        if status in NOTIFIED and before != status:
            _tell(session, enrolment, row)
    if changes:
        _audit("academy.attendance_taken" if source == Attendance.Source.STAFF else "academy.attendance_checked_in",
               actor=actor, target=session, metadata={"class": session.klass_id, "records": changes})
    return written


def attendance_take(*, session: Session, records: list[dict], actor) -> list[Attendance]:
    """Staff mark the session's students: records [{"student": customer (or id) or
    "enrolment": enrolment (or id), "status": present|late|absent|excused, "note"}]."""
    with transaction.atomic():
        locked = _session_locked(session.pk)
        if locked.status == Session.Status.CANCELLED:
            raise SessionCancelled(details={"session": locked.pk})
        resolved = _resolve(locked, records)
        return _write(locked, resolved, actor=actor, source=Attendance.Source.STAFF, now=timezone.now())


def attendance_check_in(*, code: str, student, now: dt.datetime | None = None, sessions=None) -> Attendance:
    """A student checks in at the kiosk with the code of a session open for it now (from
    ACADEMY_CHECK_IN_OPENS_MINUTES before its start until its end): present, or late
    once ACADEMY_LATE_AFTER_MINUTES have passed. Checking in again changes nothing, nor
    does it override what staff marked. `sessions`: those the kiosk reaches (its user's
    scope); a code of any other answers as a wrong code does."""
    now = now or timezone.now()
    code = (code or "").strip().upper()
    opens = dt.timedelta(minutes=setting("ACADEMY_CHECK_IN_OPENS_MINUTES"))
    reachable = Session.objects.all() if sessions is None else sessions
    open_now = list(reachable.filter(check_in_code=code, status=Session.Status.SCHEDULED,
                                     starts_at__lte=now + opens, ends_at__gte=now)
                    .values_list("pk", "klass_id")) if code else []
    if not open_now:
        raise CheckInCodeInvalid(details={"code": code})
    mine = set(Enrolment.objects.filter(klass_id__in=[class_id for _pk, class_id in open_now], student=student,
                                        status__in=Enrolment.ATTENDING).values_list("klass_id", flat=True))
    session_id = next((pk for pk, class_id in open_now if class_id in mine), None)
    if session_id is None:
        raise NotEnrolled(details={"session": open_now[0][0], "student": student.pk})
    with transaction.atomic():
        session = _session_locked(session_id)
        if session.status == Session.Status.CANCELLED:
            raise SessionCancelled(details={"session": session.pk})
        existing = Attendance.objects.filter(session=session, student=student).first()
        if existing is not None:
            return existing
        late = now > session.starts_at + dt.timedelta(minutes=setting("ACADEMY_LATE_AFTER_MINUTES"))
        resolved = _resolve(session, [{"student": student.pk, "status": A.LATE if late else A.PRESENT}])
        (row,) = _write(session, resolved, actor=None, source=Attendance.Source.KIOSK, now=now)
    return row
