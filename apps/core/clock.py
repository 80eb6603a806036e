"""The platform's calendar. Billing periods, trial ends, usage days, rate-limit counters,
flag expiry and backup keeping count days in the platform's TIME_ZONE, whichever zone a
request has activated: the tenant admin shows times in the workspace's zone
(apps.site.middleware), and `timezone.localdate()` there is the workspace's date, which
after 15:00 UTC is already tomorrow in Seoul. A workspace's own business days (classes,
tuition due, the order day) use its zone, not this."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone


def platform_today() -> dt.date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def workspace_today() -> dt.date:
    """Today in the zone of the workspace whose schema is active (a Celery worker and the API
    run in UTC: at 00:30 in Seoul the server's date is still yesterday); the platform's
    TIME_ZONE on the public schema."""
    zone = getattr(getattr(connection, "tenant", None), "timezone", None) or settings.TIME_ZONE
    return timezone.localdate(timezone=ZoneInfo(zone))
