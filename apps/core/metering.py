"""What each app counts of a workspace's day, for the usage table (apps.billing.usage).

The figures live in the tenant's schema, owned by apps above billing (orders, deliveries,
files): billing cannot import them. Each app declares its own in `apps/<app>/metering.py`,
found when the first snapshot is taken:

    daily_figure("orders", count=lambda start, end: Order.objects.filter(
        created_at__gte=start, created_at__lt=end).count())

`count(start, end)` runs inside the tenant's schema and returns what happened in
[start, end); `measure()` (a `gauge`) returns a size as it is now (storage: the day's
snapshot is what it measured at the end of that day's collection).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Figure:
    key: str
    count: Callable | None = None  # (start, end) -> int
    measure: Callable | None = None  # (schema_name) -> int


_FIGURES: dict[str, Figure] = {}
_discovered = [False]


def daily_figure(key: str, *, count: Callable) -> Figure:
    """Something that happens in a workspace, counted per day (orders, deliveries)."""
    _FIGURES[key] = Figure(key=key, count=count)
    return _FIGURES[key]


def gauge(key: str, *, measure: Callable) -> Figure:
    """Something a workspace has, measured when the day is collected (storage)."""
    _FIGURES[key] = Figure(key=key, measure=measure)
    return _FIGURES[key]


def figures() -> dict[str, Figure]:
    """Every app's figures (their `metering.py` modules imported on first use)."""
    if not _discovered[0]:
        autodiscover_modules("metering")
        _discovered[0] = True
    return dict(_FIGURES)
