"""The academy on the tenant admin's dashboard (apps.core.dashboard): today's sessions
the user may see (a teacher's own), in the workspace's time zone, each linking to its
roster. Registered by apps.academy.admin (imported with the admin sites)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.admin_sites import tenant_admin
from apps.core.dashboard import dashboard_card, request_memo
from apps.rbac.admin_scoping import request_access

from .models import Session
from .selectors import sessions_visible_to

SITE = tenant_admin
SHOWN = 12


def may_see_sessions(request) -> bool:
    from .admin.schedule import reaches_any

    return reaches_any(request, "academy.view_session")


def todays_sessions(request) -> dict:
    from .admin.common import hhmm, person_name, viewer_zone

    def build():
        zone = viewer_zone()
        today = dt.datetime.now(zone).date()
        start = dt.datetime.combine(today, dt.time(), zone)
        sessions = list(sessions_visible_to(user=request.user, access=request_access(request))
                        .filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
                        .select_related("klass__teacher", "substitute_teacher").order_by("starts_at", "klass__name"))
        rows = [{"pk": session.pk, "class": session.klass.name, "room": session.klass.room,
                 "time": f"{hhmm(session.starts_at.astimezone(zone))}–{hhmm(session.ends_at.astimezone(zone))}",
                 "teacher": person_name(session.substitute_teacher or session.klass.teacher),
                 "cancelled": session.status == Session.Status.CANCELLED,
                 "url": reverse(f"{SITE.name}:academy_roster", args=[session.pk])} for session in sessions]
        return {"key": "academy-today", "title": _("Today's sessions"), "sessions": rows[:SHOWN],
                "more": ngettext("and %(count)s more session", "and %(count)s more sessions", len(rows) - SHOWN)
                % {"count": len(rows) - SHOWN} if len(rows) > SHOWN else "", "count": len(rows),
                "note": f'{date_format(today, "DATE_FORMAT")} ({zone.key})',
                "timetable_url": reverse(f"{SITE.name}:academy_session_changelist"),
                "cancelled_label": Session.Status.CANCELLED.label}

    return request_memo(request, "academy.today", build)


def register() -> None:
    dashboard_card(SITE, "academy.today", template="dashboard/academy/today.html", context=todays_sessions,
                   order=11, permission=may_see_sessions)
