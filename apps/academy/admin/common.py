"""What the academy's admin pages share: academy workspaces only, schedules and times in
words, the request's access, and PlatformErrors onto forms."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils.dates import WEEKDAYS
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.accounts.lockout import display_zoneinfo
from apps.rbac.admin_scoping import BusinessTypeOnlyAdmin, request_access, workspace_is

from ..events import zone_of

ACADEMY = "academy"


def is_academy(request) -> bool:
    return workspace_is(request, ACADEMY)


class AcademyOnlyAdmin(BusinessTypeOnlyAdmin):
    """Every permission of the academy's admins needs an academy workspace first."""

    business_type = ACADEMY


# Short enough for "Mon, Wed 16:00" ("월, 수 16:00"): Django's own abbreviations read
# "월요일" in Korean.
WEEKDAYS_SHORT = [pgettext_lazy("weekday", "Mon"), pgettext_lazy("weekday", "Tue"), pgettext_lazy("weekday", "Wed"),
                  pgettext_lazy("weekday", "Thu"), pgettext_lazy("weekday", "Fri"), pgettext_lazy("weekday", "Sat"),
                  pgettext_lazy("weekday", "Sun")]


def weekday_choices() -> list[tuple[int, str]]:
    return [(day, str(WEEKDAYS[day])) for day in range(7)]


def schedule_text(klass) -> str:
    """"Mon, Wed 16:00 · 90 min", in the page's language."""
    days = ", ".join(str(WEEKDAYS_SHORT[day]) for day in sorted(klass.weekdays or []))
    return _("%(days)s %(time)s · %(minutes)s min") % {
        "days": days, "time": klass.start_time.strftime("%H:%M"), "minutes": klass.duration_minutes}


def person_name(user) -> str:
    if user is None:
        return "—"
    return getattr(user, "full_name", "") or getattr(user, "email", "") or str(user)


def viewer_zone() -> zoneinfo.ZoneInfo:
    return display_zoneinfo()


def local(moment: dt.datetime, branch) -> dt.datetime:
    """A session's time in its branch's time zone (where the class meets)."""
    return moment.astimezone(zone_of(branch))


def hhmm(moment: dt.datetime) -> str:
    return time_format(moment.time(), "H:i")


def access_of(request):
    return request_access(request)


def may(request, perm: str) -> bool:
    return is_academy(request) and request_access(request).grant(perm) is not None
