"""The academy's own admin pages, reached from the classes' admin: the week's timetable
(per branch, per teacher), a session's roster with one tap per student and status, a
class's waitlist with its offers. Reads go through the scoped selectors (a teacher sees
their own sessions only), writes through the services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.branches.models import Branch
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError

from .. import services
from ..models import Attendance, Class, Enrolment, Session
from ..selectors import classes_visible_to, seats_free, session_attendance, sessions_visible_to, waitlist
from .common import access_of, hhmm, is_academy, local, person_name, schedule_text, viewer_zone

SITE = tenant_admin
STATUS_BUTTONS = [(Attendance.Status.PRESENT, "check_circle"), (Attendance.Status.LATE, "schedule"),
                  (Attendance.Status.ABSENT, "cancel"), (Attendance.Status.EXCUSED, "event_busy")]


def _context(request, title: str, model=Session, **extra) -> dict:
    opts = model._meta
    if model is Session:  # the sessions' list is the week's timetable, as the sidebar names it
        opts = _ListedAs(opts, _("Timetable"))
    return {**SITE.each_context(request), "opts": opts, "title": title, **extra}


class _ListedAs:
    """A model's options whose list goes by another name: the header's trail (unfold's
    `header_title`, from `opts`) reads "Academy > Timetable" on the timetable and a roster,
    not "Academy > Sessions"."""

    def __init__(self, opts, plural: str):
        self._opts, self.verbose_name_plural = opts, plural

    def __getattr__(self, name):
        return getattr(self._opts, name)


def reaches(request, perm: str, *, branch_id: int, own: bool = False) -> bool:
    """Whether `perm` reaches a row of `branch_id` (`own`: the row is the user's own)."""
    if not is_academy(request):
        return False
    grant = access_of(request).grant(perm)
    if grant is None:
        return False
    return grant.everywhere or branch_id in grant.branch_ids or (grant.own and own)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- The week's timetable -------------------------------------------------------------------


def _monday(value: str | None, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - dt.timedelta(days=day.weekday())


def timetable_view(request):
    """Monday to Sunday of one week: every session the user may see, per branch (and per
    teacher), with its time, class, room and who teaches it; cancelled ones struck through."""
    if not reaches_any(request, "academy.view_session"):
        raise PermissionDenied
    access = access_of(request)
    classes = classes_visible_to(user=request.user, access=access)
    branches = list(Branch.objects.filter(pk__in=classes.values("branch_id")).order_by("name"))
    teachers = sorted({klass.teacher for klass in classes.select_related("teacher")
                       if klass.teacher is not None}, key=person_name)
    branch = next((b for b in branches if b.pk == _int(request.GET.get("branch"))), None)
    teacher = next((t for t in teachers if t.pk == _int(request.GET.get("teacher"))), None)
    zone = local(dt.datetime.now(dt.UTC), branch).tzinfo if branch is not None else viewer_zone()
    today = dt.datetime.now(zone).date()
    monday = _monday(request.GET.get("week"), today)
    start = dt.datetime.combine(monday, dt.time(), zone)
    sessions = (sessions_visible_to(user=request.user, access=access)
                .filter(starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=7))
                .select_related("klass__teacher", "substitute_teacher").order_by("starts_at", "klass__name"))
    if branch is not None:
        sessions = sessions.filter(klass__branch=branch)
    if teacher is not None:
        sessions = sessions.filter(Q(klass__teacher=teacher) | Q(substitute_teacher=teacher))
    days = [{"date": monday + dt.timedelta(days=offset), "name": str(WEEKDAYS[offset]), "sessions": []}
            for offset in range(7)]
    for session in sessions:
        starts = session.starts_at.astimezone(zone)
        index = (starts.date() - monday).days
        if not 0 <= index < 7:
            continue
        days[index]["sessions"].append({
            "pk": session.pk, "time": f"{hhmm(starts)}–{hhmm(session.ends_at.astimezone(zone))}",
            "class": session.klass.name, "room": session.klass.room, "branch": session.klass.branch.name,
            "teacher": person_name(session.substitute_teacher or session.klass.teacher),
            "substitute": session.substitute_teacher_id is not None,
            "cancelled": session.status == Session.Status.CANCELLED,
            "url": reverse(f"{SITE.name}:academy_roster", args=[session.pk])})
    for day in days:
        day["today"] = day["date"] == today
        day["label"] = date_format(day["date"], "MONTH_DAY_FORMAT")

    def link(week: dt.date) -> str:
        query = {"week": week.isoformat(), "branch": branch.pk if branch else "",
                 "teacher": teacher.pk if teacher else ""}
        return "?" + "&".join(f"{key}={value}" for key, value in query.items() if value != "")

    count = sum(len(day["sessions"]) for day in days)
    title = _("Timetable")
    return TemplateResponse(request, "admin/academy/timetable.html", _context(
        request, title, days=days, branches=branches, teachers=teachers, branch=branch, teacher=teacher,
        week_label=" – ".join(date_format(day, "DATE_FORMAT") for day in (monday, monday + dt.timedelta(days=6))),
        previous_url=link(monday - dt.timedelta(days=7)), next_url=link(monday + dt.timedelta(days=7)),
        this_week_url=link(today), zone=zone.key, cancelled_label=Session.Status.CANCELLED.label,
        week=monday.isoformat(),
        count_text=_count(ngettext("%(count)s session this week", "%(count)s sessions this week", count), count)))


def _count(text: str, count: int) -> str:
    return text % {"count": count}


def reaches_any(request, perm: str) -> bool:
    return is_academy(request) and access_of(request).grant(perm) is not None


# --- A session's roster ------------------------------------------------------------------------


def _own(request, session: Session) -> bool:
    return request.user.pk in (session.klass.teacher_id, session.substitute_teacher_id)


def may_take_attendance(request, session: Session) -> bool:
    return reaches(request, "academy.add_attendance", branch_id=session.klass.branch_id, own=_own(request, session))


def roster_view(request, session_id: int):
    """The session's students, one row each with a button per status (a tap saves it
    through attendance_take); "everyone not marked is present" for the rest."""
    if not reaches_any(request, "academy.view_session"):
        raise PermissionDenied
    visible = sessions_visible_to(user=request.user, access=access_of(request))
    session = get_object_or_404(visible.select_related("klass__teacher", "substitute_teacher"), pk=session_id)
    url = reverse(f"{SITE.name}:academy_roster", args=[session.pk])
    can_take = may_take_attendance(request, session) and session.status == Session.Status.SCHEDULED
    if request.method == "POST":
        if not can_take:
            raise PermissionDenied
        rows = session_attendance(session=session)
        if request.POST.get("everyone") == "present":
            records = [{"enrolment": enrolment.pk, "status": Attendance.Status.PRESENT}
                       for enrolment, marked in rows if marked is None]
            anchor = ""
        else:
            student = _int(request.POST.get("student"))
            records = [{"student": student, "status": request.POST.get("status")}]
            anchor = f"#student-{student}"
        if records:
            try:
                written = services.attendance_take(session=session, records=records, actor=request.user)
            except PlatformError as error:
                messages.error(request, str(error.message))
            else:
                if not anchor:
                    messages.success(request, ngettext("%(count)s student marked present.",
                                                       "%(count)s students marked present.", len(written))
                                     % {"count": len(written)})
        return redirect(url + anchor)
    branch = session.klass.branch
    starts, ends = local(session.starts_at, branch), local(session.ends_at, branch)
    students = []
    for enrolment, marked in session_attendance(session=session):
        students.append({"pk": enrolment.student_id, "name": enrolment.student.name,
                         "status": marked.status if marked else "",
                         "status_label": marked.get_status_display() if marked else _("Not marked"),
                         "source": marked.get_source_display() if marked else "",
                         "pending": enrolment.get_status_display()
                         if enrolment.status == Enrolment.Status.PENDING_PAYMENT else ""})
    buttons = [{"value": value, "label": Attendance.Status(value).label, "icon": icon}
               for value, icon in STATUS_BUTTONS]
    counts = {value: sum(1 for row in students if row["status"] == value) for value, _icon in STATUS_BUTTONS}
    unmarked = sum(1 for row in students if not row["status"])
    title = _("Attendance: %(class)s") % {"class": session.klass.name}
    return TemplateResponse(request, "admin/academy/roster.html", _context(
        request, title, session=session, students=students, buttons=buttons, can_take=can_take,
        unmarked=unmarked, everyone_text=_count(ngettext(
            "Mark the %(count)s student not marked present", "Mark the %(count)s students not marked present",
            unmarked), unmarked),
        summary=[{"label": button["label"], "count": counts[button["value"]], "value": button["value"]}
                 for button in buttons],
        when=f'{date_format(starts.date(), "DATE_FORMAT")} {hhmm(starts)}–{hhmm(ends)}',
        teacher=person_name(session.substitute_teacher or session.klass.teacher),
        substitute=session.substitute_teacher_id is not None,
        cancelled=session.status == Session.Status.CANCELLED,
        timetable_url=reverse(f"{SITE.name}:academy_session_changelist") + f"?branch={branch.pk}&week={starts.date()}"))


# --- A class's waitlist ------------------------------------------------------------------------


def waitlist_view(request, class_id: int):
    """Who waits for a seat in the class, first in line first, with the offers made and
    until when; withdraw one, or offer the free seats to the next in line."""
    if not reaches_any(request, "academy.view_enrolment"):
        raise PermissionDenied
    klass = get_object_or_404(classes_visible_to(user=request.user, access=access_of(request))
                              .select_related("teacher"), pk=class_id)
    url = reverse(f"{SITE.name}:academy_waitlist", args=[klass.pk])
    can_change = reaches(request, "academy.change_enrolment", branch_id=klass.branch_id,
                         own=request.user.pk == klass.teacher_id)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        try:
            if request.POST.get("offer") == "free-seats":
                offered = services.seats_offer(klass=klass, actor=request.user)
                if offered:
                    messages.success(request, _("A seat was offered to %(names)s.")
                                     % {"names": ", ".join(e.student.name for e in offered)})
                else:
                    messages.warning(request, _("There is no free seat to offer, or nobody is waiting."))
            else:
                enrolment = Enrolment.objects.filter(klass=klass, pk=_int(request.POST.get("withdraw"))).first()
                if enrolment is None:
                    raise Http404
                services.enrolment_withdraw(enrolment=enrolment, actor=request.user,
                                            reason=request.POST.get("reason", ""))
                messages.success(request, _("%(name)s was taken off the waitlist.") % {"name": enrolment.student.name})
        except PlatformError as error:
            messages.error(request, str(error.message))
        return redirect(url)
    rows = []
    for enrolment in waitlist(klass=klass):
        expires = local(enrolment.offer_expires_at, klass.branch) if enrolment.offer_expires_at else None
        rows.append({"pk": enrolment.pk, "name": enrolment.student.name, "status": enrolment.get_status_display(),
                     "offered": enrolment.status == Enrolment.Status.OFFERED,
                     "position": enrolment.waitlist_position,
                     "expires": f'{date_format(expires.date(), "DATE_FORMAT")} {hhmm(expires)}' if expires else "",
                     "since": date_format(local(enrolment.created_at, klass.branch).date(), "DATE_FORMAT")})
    free = seats_free(klass=klass)
    title = _("Waitlist: %(class)s") % {"class": klass.name}
    return TemplateResponse(request, "admin/academy/waitlist.html", _context(
        request, title, model=Class, klass=klass, rows=rows, can_change=can_change, free=free,
        free_text=_count(ngettext("%(count)s free seat", "%(count)s free seats", free), free),
        can_offer=can_change and free > 0 and any(not row["offered"] for row in rows),
        schedule=schedule_text(klass), teacher=person_name(klass.teacher),
        class_url=reverse(f"{SITE.name}:academy_class_change", args=[klass.pk]),
        enrolments_url=reverse(f"{SITE.name}:academy_enrolment_changelist") + f"?klass__id__exact={klass.pk}"))

