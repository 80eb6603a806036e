"""Classes (a course, a teacher, a branch and room, a capacity, a weekly schedule) and
the workspace's holidays. Schedule writes of one branch queue behind each other (the
branch row is locked) so that two classes can never both take the same room, and those
of one teacher (`teachers_locked`) so that a teacher never has two classes at once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from apps.branches.models import Branch
from apps.catalog.models import Item
from apps.core.changes import diff, model_update, snapshot
from apps.core.errors import InvalidData

from .. import events
from ..conf import setting
from ..errors import NotACourse, ScheduleOverlap, TeacherDoubleBooked
from ..models import Class, Holiday, Session
from ..validation import room_clash, schedule_check, teacher_clash
from .common import _audit, person_name, teacher_check, teachers_locked
from .seats import offer_free_seats
from .sessions import generate, session_cancel

FIELDS = ["name", "course", "teacher", "branch", "room", "capacity", "weekdays", "start_time", "duration_minutes",
          "starts_on", "ends_on", "is_active"]
SCHEDULE_FIELDS = ("weekdays", "start_time", "duration_minutes", "starts_on", "ends_on")
EDITABLE = ["name", "teacher", "room", "capacity", *SCHEDULE_FIELDS, "is_active"]


def _schedule(values: dict) -> dict:
    return {name: values[name] for name in SCHEDULE_FIELDS}


def _capacity_check(capacity) -> None:
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= 32767:
        raise InvalidData(details={"capacity": [_("The capacity is a whole number of at least 1.")]})


def room_free_check(*, branch, room: str, schedule: dict, exclude_pk=None) -> None:
    other = room_clash(branch=branch, room=room, schedule=schedule, exclude_pk=exclude_pk)
    if other is not None:
        raise ScheduleOverlap(
            _("Room %(room)s is taken: “%(class)s” meets there at overlapping times.")
            % {"room": room, "class": other.name},
            details={"class": other.pk, "name": other.name, "room": other.room})


def teacher_free_check(*, teacher_id: int, branch, schedule: dict, exclude_pk=None) -> None:
    """The teacher has no other active class (at any branch) meeting at the same time."""
    other = teacher_clash(teacher_id=teacher_id, branch=branch, schedule=schedule, exclude_pk=exclude_pk)
    if other is not None:
        raise TeacherDoubleBooked(
            _("%(teacher)s already teaches “%(class)s” (%(branch)s, %(days)s %(time)s for %(minutes)s minutes) "
              "at overlapping times.")
            % {"teacher": person_name(other.teacher), "class": other.name, "branch": other.branch.name,
               "days": ", ".join(str(WEEKDAYS_ABBR[day]) for day in other.weekdays),
               "time": other.start_time.strftime("%H:%M"), "minutes": other.duration_minutes},
            details={"teacher": teacher_id, "class": other.pk, "name": other.name})


def class_create(*, course: Item, teacher, branch: Branch, capacity: int, weekdays, start_time: dt.time,
                 duration_minutes: int, starts_on: dt.date, ends_on: dt.date | None = None, room: str = "",
                 name: str = "", actor) -> Class:
    """A new class; its sessions for the horizon are generated at once."""
    if course.kind != Item.Kind.COURSE:
        raise NotACourse(details={"item": course.pk})
    teacher_check(teacher)
    _capacity_check(capacity)
    values = {"weekdays": weekdays, "start_time": start_time, "duration_minutes": duration_minutes,
              "starts_on": starts_on, "ends_on": ends_on}
    values["weekdays"] = schedule_check(**values)
    room = (room or "").strip()
    with transaction.atomic(durable=True):
        teachers_locked(teacher.pk)
        Branch.objects.select_for_update().filter(pk=branch.pk).first()
        room_free_check(branch=branch, room=room, schedule=values)
        teacher_free_check(teacher_id=teacher.pk, branch=branch, schedule=values)
        klass = Class(course=course, teacher=teacher, branch=branch, room=room, capacity=capacity,
                      name=(name or "").strip() or course.name, **values)
        klass.full_clean()
        klass.save()
        _audit("academy.class_created", actor=actor, target=klass, changes=diff({}, snapshot(klass, FIELDS)))
        generate(classes=[klass], horizon_days=setting("ACADEMY_SESSION_HORIZON_DAYS"))
    return klass


def _untouched_future(klass: Class):
    """Sessions the schedule made that nobody touched yet: regenerated when it changes."""
    return Session.objects.filter(klass=klass, status=Session.Status.SCHEDULED, starts_at=F("planned_start"),
                                  starts_at__gt=timezone.now(), attendance__isnull=True)


def class_update(*, klass: Class, actor, **data) -> dict:
    """Change the class's name, teacher, room, capacity, schedule or state; returns the
    diff. A new schedule replaces the future sessions nobody has touched; more seats go
    to the waitlist."""
    data = {name: value for name, value in data.items() if name in EDITABLE}
    if "teacher" in data:
        teacher_check(data["teacher"])
    if "capacity" in data:
        _capacity_check(data["capacity"])
    if "room" in data:
        data["room"] = (data["room"] or "").strip()
    with transaction.atomic():
        teacher_id = data["teacher"].pk if "teacher" in data else (
            Class.objects.filter(pk=klass.pk).values_list("teacher_id", flat=True).first())
        teachers_locked(teacher_id)
        Branch.objects.select_for_update().filter(pk=klass.branch_id).first()
        locked = Class.objects.select_for_update(of=("self",)).select_related("branch", "course").get(pk=klass.pk)
        if "teacher" not in data and locked.teacher_id != teacher_id:  # given to someone else meanwhile
            teachers_locked(locked.teacher_id)
        merged = {name: data.get(name, getattr(locked, name)) for name in SCHEDULE_FIELDS}
        merged["weekdays"] = schedule_check(**merged)
        if any(name in data for name in SCHEDULE_FIELDS):
            data["weekdays"] = merged["weekdays"]
        if data.get("is_active", locked.is_active):
            room_free_check(branch=locked.branch, room=data.get("room", locked.room), schedule=merged,
                        exclude_pk=locked.pk)
            teacher_free_check(teacher_id=data["teacher"].pk if "teacher" in data else locked.teacher_id,
                                branch=locked.branch, schedule=merged, exclude_pk=locked.pk)
        changes = model_update(locked, data=data, fields=EDITABLE, clean=False)
        if not changes:
            return {}
        _audit("academy.class_updated", actor=actor, target=locked, changes=changes)
        if set(changes) & {*SCHEDULE_FIELDS, "is_active"}:
            _untouched_future(locked).delete()
            generate(classes=[locked], horizon_days=setting("ACADEMY_SESSION_HORIZON_DAYS"))
        if "capacity" in changes and changes["capacity"][1] > changes["capacity"][0]:
            offer_free_seats(klass=locked, actor=actor)
    for name in changes:
        setattr(klass, name, getattr(locked, name))
    return changes


# --- Holidays ----------------------------------------------------------------------------


def holiday_create(*, date: dt.date, name: str, actor) -> Holiday:
    """A day off: no session is generated on it, and the sessions already generated for
    it (in each branch's local date) are cancelled with the holiday's name as the reason
    (the students are told)."""
    name = (name or "").strip()
    if not isinstance(date, dt.date) or not name:
        raise InvalidData(details={key: [_("This field is required.")] for key, value in
                                   (("date", isinstance(date, dt.date)), ("name", name)) if not value})
    with transaction.atomic():
        if Holiday.objects.filter(date=date).exists():
            raise InvalidData(details={"date": [_("This day is already a holiday.")]})
        holiday = Holiday.objects.create(date=date, name=name)
        _audit("academy.holiday_created", actor=actor, target=holiday,
               changes={"date": [None, date.isoformat()], "name": [None, name]})
        around = Session.objects.filter(status=Session.Status.SCHEDULED,
                                        starts_at__gte=dt.datetime.combine(date, dt.time(), dt.UTC) - dt.timedelta(1),
                                        starts_at__lt=dt.datetime.combine(date, dt.time(), dt.UTC) + dt.timedelta(2))
        for session in around.select_related("klass__branch").order_by("starts_at"):
            if session.starts_at.astimezone(events.zone_of(session.klass.branch)).date() == date:
                session_cancel(session=session, reason=name, actor=actor)
    return holiday


def holiday_delete(*, holiday: Holiday, actor) -> None:
    """The day is a working day again: sessions are generated for it from now on (those
    cancelled for the holiday stay cancelled)."""
    with transaction.atomic():
        _audit("academy.holiday_deleted", actor=actor, target=holiday,
               changes={"date": [holiday.date.isoformat(), None], "name": [holiday.name, None]})
        holiday.delete()
