"""What the academy's admin pages share: academy workspaces only, schedules and times in
words, the request's access, and PlatformErrors onto forms."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.dates import WEEKDAYS
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.accounts.lockout import display_zone
from apps.core.errors import PlatformError
from apps.rbac.admin_scoping import request_access
from apps.rbac.tenancy import current_tenant

from ..events import zone_of

ACADEMY = "academy"


def is_academy(request) -> bool:
    """The academy's pages exist in academy workspaces only (a restaurant has no classes)."""
    tenant = getattr(request, "tenant", None)
    if getattr(tenant, "business_type", None) is None:
        tenant = current_tenant()
    return getattr(tenant, "business_type", None) == ACADEMY


class AcademyOnlyAdmin:
    """Every permission of the academy's admins needs an academy workspace first."""

    def has_module_permission(self, request):
        return is_academy(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_academy(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_academy(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_academy(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_academy(request) and super().has_delete_permission(request, obj)


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
    try:
        return zoneinfo.ZoneInfo(display_zone())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local(moment: dt.datetime, branch) -> dt.datetime:
    """A session's time in its branch's time zone (where the class meets)."""
    return moment.astimezone(zone_of(branch))


def hhmm(moment: dt.datetime) -> str:
    return time_format(moment.time(), "H:i")


def access_of(request):
    return request_access(request)


def may(request, perm: str) -> bool:
    return is_academy(request) and request_access(request).grant(perm) is not None


def errors_onto(form, error, default_field: str | None = None) -> None:
    """A service's refusal onto the form: per field where it names fields, else on
    `default_field` (or the form)."""
    details = getattr(error, "details", None) or {}
    placed = False
    for field, problems in details.items() if isinstance(details, dict) else ():
        if field in form.fields and isinstance(problems, (list, tuple)):
            for problem in problems:
                form.add_error(field, str(problem))
            placed = True
    if not placed:
        form.add_error(default_field if default_field in form.fields else None, str(error.message))


class ServiceFormAdmin:
    """Add and change pages whose save calls a service that owns its (durable)
    transaction: no transaction around the page; a refusal the form did not catch (a
    concurrent change) is shown as a message and nothing is logged."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._changeform_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # read by the admin's change message; the services saved the rows
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _refused(self, request) -> bool:
        return getattr(request, "_academy_refused", False)

    def log_addition(self, request, obj, message):
        return None if self._refused(request) else super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        return None if self._refused(request) else super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(request.path) if self._refused(request) else super().response_add(request, obj,
                                                                                           post_url_continue)

    def response_change(self, request, obj):
        return redirect(request.path) if self._refused(request) else super().response_change(request, obj)

    def call_service(self, request, write) -> object | None:
        try:
            return write()
        except PlatformError as error:
            messages.error(request, str(error.message))
            request._academy_refused = True
            return None
