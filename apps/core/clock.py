"""The platform's calendar. Billing periods, trial ends, usage days, rate-limit counters,
flag expiry and backup keeping count days in the platform's TIME_ZONE, whichever zone a
request has activated: the tenant admin shows times in the workspace's zone
(apps.site.middleware), and `timezone.localdate()` there is the workspace's date, which
after 15:00 UTC is already tomorrow in Seoul. A workspace's own business days (classes,
tuition due, the order day) use its zone, not this."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def platform_today() -> dt.date:
    return timezone.localdate(timezone=timezone.get_default_timezone())
