import re
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


@lru_cache(maxsize=1)
def _zones() -> frozenset:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str, *, field: str) -> None:
    if value not in _zones():
        raise ValidationError({field: _("“%(value)s” is not a known time zone (for example Asia/Seoul).")
                               % {"value": value}})


def validate_opening_hours(value) -> dict:
    """{"mon": ["09:00-12:00", "13:00-18:00"], ...}; days left out are closed."""
    error = ValidationError({"opening_hours": _(
        'Opening hours must map weekdays (mon … sun) to lists of "HH:MM-HH:MM" ranges.')})
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise error
    cleaned = {}
    for day, ranges in value.items():
        if day not in WEEKDAYS or not isinstance(ranges, list):
            raise error
        for item in ranges:
            match = _RANGE.match(item) if isinstance(item, str) else None
            if not match or item[:5] >= item[6:]:
                raise ValidationError({"opening_hours": _("“%(range)s” on %(day)s is not a valid time range.")
                                       % {"range": item, "day": day}})
        cleaned[day] = sorted(ranges)
    return cleaned
