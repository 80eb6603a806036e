"""A class's weekly schedule checked before anything is written: weekdays, time and
duration, dates; and the room check: two classes of a branch may not meet in the same
room at the same time on any day both run."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from apps.core.errors import InvalidData

from .models import Class
from .models.classes import MAX_DURATION_MINUTES

WEEK = 7
# Two weekly schedules repeat every week: occurrences over two weeks (plus the day before,
# for a session running past midnight into the first day) meet if they ever meet.
WINDOW_DAYS = 2 * WEEK + 1


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


def _occurrences(*, weekdays, start_time, duration_minutes, starts_on, ends_on, first: dt.date, last: dt.date):
    day = max(first, starts_on)
    end = last if ends_on is None else min(last, ends_on)
    length = dt.timedelta(minutes=duration_minutes)
    while day <= end:
        if day.weekday() in weekdays:
            start = dt.datetime.combine(day, start_time)
            yield start, start + length
        day += dt.timedelta(days=1)


def schedules_meet(a: dict, b: dict) -> bool:
    """Whether two weekly schedules (dicts of weekdays, start_time, duration_minutes,
    starts_on, ends_on; local times of one branch) ever have sessions at the same time."""
    first = max(a["starts_on"], b["starts_on"]) - dt.timedelta(days=1)
    last = first + dt.timedelta(days=WINDOW_DAYS)
    for limit in (a["ends_on"], b["ends_on"]):
        if limit is not None:
            last = min(last, limit)
    if last < first:
        return False
    mine = list(_occurrences(**a, first=first, last=last))
    return any(start < other_end and other_start < end
               for other_start, other_end in _occurrences(**b, first=first, last=last)
               for start, end in mine)


def room_clash(*, branch, room: str, schedule: dict, exclude_pk=None) -> Class | None:
    """The first active class of `branch` meeting in `room` whose schedule meets
    `schedule`; None when the room is free (or no room is given)."""
    room = (room or "").strip()
    if not room:
        return None
    others = Class.objects.filter(branch=branch, room__iexact=room, is_active=True).order_by("pk")
    if schedule["ends_on"] is not None:
        others = others.filter(starts_on__lte=schedule["ends_on"])
    others = others.exclude(ends_on__lt=schedule["starts_on"] - dt.timedelta(days=1))
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        theirs = {"weekdays": other.weekdays, "start_time": other.start_time,
                  "duration_minutes": other.duration_minutes, "starts_on": other.starts_on,
                  "ends_on": other.ends_on}
        if schedules_meet(schedule, theirs):
            return other
    return None
