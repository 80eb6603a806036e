"""Opening hours ({"mon": ["09:00-12:00", "13:00-18:00"], ...}, days left out closed)
read at a moment in the branch's time zone: open now, and when it opens next. Menu
periods (apps.food) use the same shape."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings

from .validation import WEEKDAYS


def branch_zone(branch) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(branch, "timezone", "") or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # validated on save; never fail a read on it
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _ranges(hours: dict, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    result = []
    for text in hours.get(WEEKDAYS[day.weekday()], []) or []:
        start, end = text.split("-")
        end_time = dt.time.max if end == "24:00" else dt.time.fromisoformat(end)
        result.append((dt.time.fromisoformat(start), end_time))
    return sorted(result)


def open_at(hours: dict, moment: dt.datetime) -> bool:
    """Whether `moment` (aware, in the place's zone) falls in one of the ranges. No hours
    at all means none were given: always open."""
    if not hours:
        return True
    clock = moment.time().replace(tzinfo=None)
    return any(start <= clock < end for start, end in _ranges(hours, moment.date()))


def next_opening(hours: dict, moment: dt.datetime, *, days: int = 7) -> dt.datetime | None:
    """The next moment after `moment` (aware) the hours begin, within a week; None if never."""
    if not hours:
        return None
    for offset in range(days + 1):
        day = moment.date() + dt.timedelta(days=offset)
        for start, _end in _ranges(hours, day):
            candidate = dt.datetime.combine(day, start, moment.tzinfo)
            if candidate > moment:
                return candidate
    return None
