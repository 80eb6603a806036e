"""The admin sites show and read times in the zone their readers live in: a workspace's
own setting on its host (the tenant's zone until the owner changes it), the platform's
TIME_ZONE on the ops portal (apps.accounts.lockout.display_zone, which the dashboards and
the timetable already use). Django renders and parses admin datetimes in the current zone,
which was UTC everywhere, so an order taken at 18:59 in Seoul showed as 9:59 a.m. The API
keeps answering in UTC (ISO 8601 with Z): only admin pages are switched."""

from __future__ import annotations

from django.utils import timezone

from apps.accounts.lockout import display_zoneinfo

ADMIN_PREFIX = "/admin/"


class AdminTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(ADMIN_PREFIX):
            return self.get_response(request)
        timezone.activate(display_zoneinfo())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
