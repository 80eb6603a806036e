"""Sessions: generated from the classes' weekly schedules over a rolling horizon (beat
keeps it filled), skipping holidays; cancelled or moved one at a time, the enrolled
students (and through them their guardians) told; a substitute teacher per session. A
teacher never teaches two sessions at once: moving a session or giving it a substitute
checks who teaches it, under that teacher's lock (`teachers_locked`)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import InvalidData, ReasonRequired
from apps.events.services import event_record

from .. import events
from ..conf import setting
from ..errors import SessionCancelled, SessionOverlap, TeacherDoubleBooked
from ..models import Class, Enrolment, Holiday, Session
from .common import _audit, person_name, teacher_check, teachers_locked

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a screen, typed on a tablet
CODE_LENGTH = 6


def check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# --- Generation -------------------------------------------------------------------------


def _slots(klass: Class, *, first: dt.date, days: int, holidays: set[dt.date]):
    """The class's session starts (UTC) on the local dates from `first` for `days` days."""
    zone = events.zone_of(klass.branch)
    day = max(first, klass.starts_on)
    last = first + dt.timedelta(days=days - 1)
    if klass.ends_on is not None:
        last = min(last, klass.ends_on)
    weekdays = set(klass.weekdays)
    while day <= last:
        if day.weekday() in weekdays and day not in holidays:
            # A wall time the zone skips (a DST gap) reads as the same distance past the
            # gap; a repeated one as its first occurrence (fold=0).
            yield dt.datetime.combine(day, klass.start_time, tzinfo=zone).astimezone(dt.UTC)
        day += dt.timedelta(days=1)


def generate(*, classes, horizon_days: int, today: dt.date | None = None) -> int:
    """Insert the missing sessions of `classes` (with branch loaded) for the next
    `horizon_days` local days of each branch (from `today` when given): in the caller's
    transaction, one read of what exists and bulk inserts. Returns how many were made."""
    classes = [klass for klass in classes if klass.is_active]
    if not classes or horizon_days <= 0:
        return 0
    now = timezone.now()
    firsts = {klass.pk: today or now.astimezone(events.zone_of(klass.branch)).date() for klass in classes}
    low, high = min(firsts.values()), max(firsts.values()) + dt.timedelta(days=horizon_days)
    holidays = set(Holiday.objects.filter(date__gte=low, date__lte=high).values_list("date", flat=True))
    planned = [(klass, start) for klass in classes
               for start in _slots(klass, first=firsts[klass.pk], days=horizon_days, holidays=holidays)]
    if not planned:
        return 0
    starts = [start for _klass, start in planned]
    existing = set()
    for field in ("planned_start", "starts_at"):  # a session moved onto a later slot keeps it
        existing |= set(Session.objects.filter(klass_id__in=[klass.pk for klass in classes],
                                               **{f"{field}__gte": min(starts), f"{field}__lte": max(starts)})
                        .values_list("klass_id", field))
    rows = [Session(klass_id=klass.pk, planned_start=start, starts_at=start,
                    ends_at=start + dt.timedelta(minutes=klass.duration_minutes), check_in_code=check_in_code())
            for klass, start in planned if (klass.pk, start) not in existing]
    # a concurrent run inserting the same slots: theirs stand, these are skipped
    Session.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def sessions_generate(*, horizon_days: int | None = None, today: dt.date | None = None) -> int:
    """Fill the horizon of every active class of this workspace (idempotent: a slot that
    has a session, moved or cancelled, is left alone). Returns how many were made."""
    if horizon_days is None:
        horizon_days = setting("ACADEMY_SESSION_HORIZON_DAYS")
    classes = Class.objects.filter(is_active=True).select_related("branch")
    if today is not None:
        classes = classes.exclude(ends_on__lt=today)
    with transaction.atomic(durable=True):
        made = generate(classes=list(classes), horizon_days=horizon_days, today=today)
        if made:
            _audit("academy.sessions_generated", actor=None,
                   metadata={"sessions": made, "horizon_days": horizon_days})
    return made


# --- One session ------------------------------------------------------------------------


def _locked(session: Session) -> Session:
    return (Session.objects.select_for_update(of=("self",))
            .select_related("klass__branch", "klass__course", "klass__teacher").get(pk=session.pk))


def _tell_enrolled(name: str, of: Session, **data) -> int:
    """One event per student attending the class (their guardians are reached through them)."""
    enrolled = (Enrolment.objects.filter(klass_id=of.klass_id, status__in=Enrolment.ATTENDING)
                .select_related("student").order_by("pk"))
    class_data = events.class_data(of.klass)
    count = 0
    for enrolment in enrolled:
        event_record(name, {"class": class_data, "customer": events.customer_data(enrolment.student), **data})
        count += 1
    return count


def _mirror(session: Session, locked: Session) -> Session:
    for field in Session._meta.concrete_fields:
        setattr(session, field.attname, getattr(locked, field.attname))
    return locked


def session_cancel(*, session: Session, reason: str, actor) -> Session:
    """Cancel one session (with a reason the students read); attendance for it is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(details={"reason": [str(ReasonRequired.message)]})
    with transaction.atomic():
        locked = _locked(session)
        if locked.status == Session.Status.CANCELLED:
            raise SessionCancelled(details={"session": locked.pk})
        locked.status, locked.cancel_reason, locked.cancelled_at = Session.Status.CANCELLED, reason, timezone.now()
        locked.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
        told = _tell_enrolled(events.SESSION_CANCELLED.name, locked, session=events.session_data(locked),
                              reason=reason)
        _audit("academy.session_cancelled", actor=actor, target=locked,
               changes={"status": [Session.Status.SCHEDULED, Session.Status.CANCELLED]},
               metadata={"reason": reason, "class": locked.klass_id, "students_told": told})
    return _mirror(session, locked)


def room_taken(*, session: Session, starts_at, ends_at) -> Session | None:
    """Another scheduled session in the same branch and room overlapping the times."""
    room = session.klass.room.strip()
    if not room:
        return None
    return (Session.objects.filter(klass__branch_id=session.klass.branch_id, klass__room__iexact=room,
                                   status=Session.Status.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at)
            .exclude(pk=session.pk).select_related("klass").order_by("starts_at").first())


def _taught_by(user_id: int) -> Q:
    """Sessions the user teaches: those they substitute, and their classes' nobody substitutes."""
    return Q(substitute_teacher_id=user_id) | Q(substitute_teacher__isnull=True, klass__teacher_id=user_id)


def teacher_taken(*, teacher_id: int, starts_at, ends_at, exclude_pk=None) -> Session | None:
    """Another scheduled session the teacher teaches (at any branch) overlapping the times."""
    return (Session.objects.filter(_taught_by(teacher_id), status=Session.Status.SCHEDULED, starts_at__lt=ends_at,
                                   ends_at__gt=starts_at)
            .exclude(pk=exclude_pk).select_related("klass__branch").order_by("starts_at").first())


def _teacher_free_check(*, teacher_id: int, starts_at, ends_at, session: Session) -> None:
    clash = teacher_taken(teacher_id=teacher_id, starts_at=starts_at, ends_at=ends_at, exclude_pk=session.pk)
    if clash is None:
        return
    local = clash.starts_at.astimezone(events.zone_of(clash.klass.branch))
    teacher = clash.substitute_teacher if clash.substitute_teacher_id else clash.klass.teacher
    raise TeacherDoubleBooked(
        _("%(teacher)s already teaches “%(class)s” (%(branch)s) on %(date)s at %(time)s.")
        % {"teacher": person_name(teacher), "class": clash.klass.name, "branch": clash.klass.branch.name,
           "date": local.strftime("%Y-%m-%d"), "time": local.strftime("%H:%M")},
        details={"teacher": teacher_id, "session": clash.pk, "class": clash.klass_id, "name": clash.klass.name,
                 "starts_at": clash.starts_at.isoformat()})


KEEP = object()


def _locked_as_taught(session: Session, *, substitute=KEEP) -> tuple[Session, int]:
    """The session's row and who will teach it: `substitute` when given (None: the
    class's teacher), else who teaches it now. The row is locked after that teacher's
    lock, the order every timetable writer follows."""
    def teaching(substitute_id, class_teacher_id):
        return (substitute_id if substitute is KEEP else getattr(substitute, "pk", None)) or class_teacher_id

    now = Session.objects.filter(pk=session.pk).values_list("substitute_teacher_id", "klass__teacher_id").first()
    expected = teaching(*(now or (None, None)))
    teachers_locked(expected)
    locked = _locked(session)
    teacher_id = teaching(locked.substitute_teacher_id, locked.klass.teacher_id)
    if teacher_id != expected:  # the class or session went to someone else meanwhile
        teachers_locked(teacher_id)
    return locked, teacher_id


def session_move(*, session: Session, starts_at: dt.datetime, actor, reason: str = "") -> Session:
    """Move one session to `starts_at` (aware), keeping its length; the room and whoever
    teaches it must be free."""
    if not isinstance(starts_at, dt.datetime) or timezone.is_naive(starts_at):
        raise InvalidData(details={"starts_at": [_("Give a date and time with its time zone.")]})
    if starts_at <= timezone.now():
        raise InvalidData(details={"starts_at": [_("Choose a time in the future.")]})
    with transaction.atomic():
        locked, teacher_id = _locked_as_taught(session)
        if locked.status == Session.Status.CANCELLED:
            raise SessionCancelled(details={"session": locked.pk})
        if starts_at == locked.starts_at:
            return _mirror(session, locked)
        ends_at = starts_at + (locked.ends_at - locked.starts_at)
        same_class = Session.objects.filter(klass_id=locked.klass_id, starts_at=starts_at).exclude(pk=locked.pk)
        clash = room_taken(session=locked, starts_at=starts_at, ends_at=ends_at) or same_class.first()
        if clash is not None:
            raise SessionOverlap(_("“%(class)s” meets in room %(room)s at that time.") % {
                "class": clash.klass.name, "room": locked.klass.room or "-"},
                details={"session": clash.pk, "class": clash.klass_id, "room": locked.klass.room})
        _teacher_free_check(teacher_id=teacher_id, starts_at=starts_at, ends_at=ends_at, session=locked)
        previous = events.session_data(locked)
        before = [locked.starts_at.isoformat(), starts_at.isoformat()]
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.save(update_fields=["starts_at", "ends_at", "updated_at"])
        told = _tell_enrolled(events.SESSION_MOVED.name, locked, session=events.session_data(locked),
                              previous=previous, reason=(reason or "").strip())
        _audit("academy.session_moved", actor=actor, target=locked, changes={"starts_at": before},
               metadata={"reason": (reason or "").strip(), "class": locked.klass_id, "students_told": told})
    return _mirror(session, locked)


def session_substitute_set(*, session: Session, teacher, actor) -> Session:
    """Someone else teaches this session (None: the class's own teacher again), who must
    be free then (unless the session is cancelled)."""
    if teacher is not None:
        teacher_check(teacher)
    with transaction.atomic():
        locked, teacher_id = _locked_as_taught(session, substitute=teacher)
        new = teacher.pk if teacher is not None else None
        if locked.substitute_teacher_id == new:
            return _mirror(session, locked)
        if locked.status == Session.Status.SCHEDULED:
            _teacher_free_check(teacher_id=teacher_id, starts_at=locked.starts_at, ends_at=locked.ends_at,
                                session=locked)
        changes = {"substitute_teacher": [locked.substitute_teacher_id, new]}
        locked.substitute_teacher_id = new
        locked.save(update_fields=["substitute_teacher", "updated_at"])
        _audit("academy.session_substitute_set", actor=actor, target=locked, changes=changes,
               metadata={"class": locked.klass_id})
    return _mirror(session, locked)
