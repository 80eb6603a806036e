"""A class's weekly schedule checked before anything is written: weekdays, time and
duration, dates; the room check: two classes of a branch may not meet in the same
room at the same time on any day both run; and the teacher check: a teacher's classes
(at any branch, in its time zone) never meet at the same time."""

from __future__ import annotations

import datetime as dt
import functools

from django.utils.translation import gettext as _

from apps.core.errors import InvalidData

from .events import zone_of
from .models import Class
from .models.classes import MAX_DURATION_MINUTES

WEEK = 7
# Two weekly schedules repeat every week: occurrences over two weeks, plus days either
# side (a session running past midnight; branches in time zones up to 26 hours apart),
# meet if they ever meet (across time zones, between two changes of their offsets).
MARGIN_DAYS = 3


def schedule_check(*, weekdays, start_time, duration_minutes, starts_on, ends_on) -> list[int]:
    """The weekdays as stored (sorted, unique); InvalidData naming each bad field."""
    problems = {}
    days = weekdays if isinstance(weekdays, (list, tuple)) else None
    if not days or any(isinstance(day, bool) or not isinstance(day, int) or not 0 <= day < WEEK for day in days):
        problems["weekdays"] = [_("Choose at least one weekday, from 0 (Monday) to 6 (Sunday).")]
    if not isinstance(start_time, dt.time):
        problems["start_time"] = [_("Give a start time.")]
    if (isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int)
            or not 1 <= duration_minutes <= MAX_DURATION_MINUTES):
        problems["duration_minutes"] = [_("A session lasts from 1 to %(max)s minutes.") % {"max": MAX_DURATION_MINUTES}]
    if not isinstance(starts_on, dt.date):
        problems["starts_on"] = [_("Give the first day of the class.")]
    elif ends_on is not None and (not isinstance(ends_on, dt.date) or ends_on < starts_on):
        problems["ends_on"] = [_("The last day cannot be before the first.")]
    if problems:
        raise InvalidData(_("The schedule is not valid."), details=problems)
    return sorted(set(days))


def _occurrences(schedule: dict, *, first: dt.date, last: dt.date, zone=None):
    """(start, end) of each session from `first` to `last`: local wall times, or UTC
    instants when the schedule's `zone` is given (as sessions are generated)."""
    day = max(first, schedule["starts_on"])
    end = last if schedule["ends_on"] is None else min(last, schedule["ends_on"])
    length = dt.timedelta(minutes=schedule["duration_minutes"])
    while day <= end:
        if day.weekday() in schedule["weekdays"]:
            start = dt.datetime.combine(day, schedule["start_time"])
            if zone is not None:
                start = start.replace(tzinfo=zone).astimezone(dt.UTC)
            yield start, start + length
        day += dt.timedelta(days=1)


@functools.lru_cache(maxsize=256)
def _offset_changes(zone, first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """The days from `first` to `last` whose UTC offset in `zone` (at noon) differs from
    the day before's: daylight saving starting or ending."""
    def offset(day):
        return dt.datetime.combine(day, dt.time(12), tzinfo=zone).utcoffset()

    changes, day, before = [], first, offset(first)
    while day < last:
        day += dt.timedelta(days=1)
        now = offset(day)
        if now != before:
            changes.append(day)
        before = now
    return tuple(changes)


def _windows(a: dict, b: dict, zones) -> list[tuple[dt.date, dt.date]]:
    """The stretches of days on which to compare two schedules: two weeks from when both
    run; with two time zones, also two weeks from each change of either's offset within a
    year (between changes the two repeat every week; daylight saving repeats yearly)."""
    margin = dt.timedelta(days=MARGIN_DAYS)
    begin = max(a["starts_on"], b["starts_on"])
    limits = [limit for limit in (a["ends_on"], b["ends_on"]) if limit is not None]
    end = min(limits) + margin if limits else None
    starts = [begin]
    if zones is not None and zones[0] != zones[1]:
        until = begin + dt.timedelta(days=366)
        until = min(until, end) if end is not None else until
        if until > begin:
            starts += [day for zone in zones for day in _offset_changes(zone, begin, until)]
    windows = []
    for start in sorted(set(starts)):
        first, last = start - margin, start + dt.timedelta(days=2 * WEEK)
        last = min(last, end) if end is not None else last
        if first <= last:
            windows.append((first, last))
    return windows


def schedules_meet(a: dict, b: dict, *, zones: tuple | None = None) -> bool:
    """Whether two weekly schedules (dicts of weekdays, start_time, duration_minutes,
    starts_on, ends_on) ever have sessions at the same time: local times of one branch,
    or with `zones` (a's, b's) each in its own branch's time zone."""
    zone_a, zone_b = zones or (None, None)
    for first, last in _windows(a, b, zones):
        mine = list(_occurrences(a, first=first, last=last, zone=zone_a))
        if any(start < other_end and other_start < end
               for other_start, other_end in _occurrences(b, first=first, last=last, zone=zone_b)
               for start, end in mine):
            return True
    return False


def schedule_of(klass: Class) -> dict:
    return {"weekdays": klass.weekdays, "start_time": klass.start_time, "duration_minutes": klass.duration_minutes,
            "starts_on": klass.starts_on, "ends_on": klass.ends_on}


def _first_meeting(others, *, schedule: dict, zone=None, exclude_pk=None) -> Class | None:
    """The first active class of `others` whose schedule meets `schedule`: in local
    times of one branch, or (`zone`: the schedule's) each class in its branch's zone."""
    margin = dt.timedelta(days=MARGIN_DAYS)
    others = others.filter(is_active=True).order_by("pk")
    if schedule["ends_on"] is not None:
        others = others.filter(starts_on__lte=schedule["ends_on"] + margin)
    others = others.exclude(ends_on__lt=schedule["starts_on"] - margin)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        zones = (zone, zone_of(other.branch)) if zone is not None else None
        if schedules_meet(schedule, schedule_of(other), zones=zones):
            return other
    return None


def room_clash(*, branch, room: str, schedule: dict, exclude_pk=None) -> Class | None:
    """The first active class of `branch` meeting in `room` whose schedule meets
    `schedule`; None when the room is free (or no room is given)."""
    room = (room or "").strip()
    if not room:
        return None
    return _first_meeting(Class.objects.filter(branch=branch, room__iexact=room), schedule=schedule,
                          exclude_pk=exclude_pk)


def teacher_clash(*, teacher_id: int, branch, schedule: dict, exclude_pk=None) -> Class | None:
    """The first active class the teacher teaches (at any branch) whose sessions would meet
    those of `schedule` at `branch`; None when the teacher is free then."""
    return _first_meeting(Class.objects.filter(teacher_id=teacher_id).select_related("branch"), schedule=schedule,
                          zone=zone_of(branch), exclude_pk=exclude_pk)
