"""Settlement periods: days, Monday-to-Sunday weeks or calendar months in the tenant's
time zone, closing at its midnight. A period is written [start, end): `end` is the first
day after it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .models import Cycle


def period_of(day: dt.date, cycle: str) -> tuple[dt.date, dt.date]:
    """The period of `cycle` that `day` falls in."""
    if cycle == Cycle.DAILY:
        return day, day + dt.timedelta(days=1)
    if cycle == Cycle.WEEKLY:
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=7)
    if cycle == Cycle.MONTHLY:
        first = day.replace(day=1)
        return first, (first + dt.timedelta(days=32)).replace(day=1)
    raise ValueError(f"unknown settlement cycle {cycle!r}")


def midnight(day: dt.date, time_zone: str) -> dt.datetime:
    """The instant `day` begins in `time_zone` (aware)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(time_zone))


def local_today(now: dt.datetime, time_zone: str, grace: dt.timedelta = dt.timedelta(0)) -> dt.date:
    """The tenant's date at `now - grace`: periods ending on or before it are closed."""
    return (now - grace).astimezone(ZoneInfo(time_zone)).date()


def due_periods(*, cycle: str, today: dt.date, last_end: dt.date | None,
                limit: int = 400) -> list[tuple[dt.date, dt.date]]:
    """The closed periods not yet settled, oldest first: after the last batch's end each
    period of `cycle` up to `today` (the first one starts where the last batch ended,
    even when the cycle changed in between); with no batch yet, the last closed period
    only (its batch takes everything before its end)."""
    if last_end is None:
        start, end = period_of(today - dt.timedelta(days=1), cycle)
        if end > today:
            start, end = period_of(start - dt.timedelta(days=1), cycle)
        return [(start, end)]
    periods = []
    start = last_end
    while len(periods) < limit:
        end = period_of(start, cycle)[1]
        if end > today:
            break
        periods.append((start, end))
        start = end
    return periods
