"""This app's settings with their defaults (platform_/settings may set each one; read at
call time, never at import)."""

from django.conf import settings

DEFAULTS = {
    # How long the first student on a waitlist has to accept a seat that came free.
    "ACADEMY_OFFER_HOURS": 24,
    # How far ahead sessions are generated from the classes' schedules (beat keeps it filled).
    "ACADEMY_SESSION_HORIZON_DAYS": 28,
    # The kiosk takes a session's code from this long before it starts until it ends;
    # a check-in this long after the start counts as late.
    "ACADEMY_CHECK_IN_OPENS_MINUTES": 30,
    "ACADEMY_LATE_AFTER_MINUTES": 10,
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
