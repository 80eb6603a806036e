"""Field rules for a tenant's locale and time zone (model validators and form choices)."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def locale_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def timezone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in _zones()]


def validate_locale(value: str) -> None:
    if value not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Choose one of the platform's languages."), code="invalid_choice")


def validate_timezone(value: str) -> None:
    if value not in _zones():
        raise ValidationError(_("“%(value)s” is not a known time zone (for example Asia/Seoul).")
                              % {"value": value}, code="invalid_choice")
