"""Classes in the tenant admin: the list (course, teacher, branch, room, the schedule in
words, seats taken of the capacity) over what the user may see, add and change through
the class services (the schedule checked on the form first), the coming sessions with
links to their rosters. The timetable, roster and waitlist pages hang off this admin's
URLs (apps.academy.admin.schedule)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget, UnfoldAdminSelectWidget

from apps.accounts.models import User
from apps.catalog.models import Item
from apps.core.admin_mixins import ReadOnlyInline, ServiceFormAdmin, errors_onto
from apps.core.errors import InvalidData
from apps.rbac.admin_scoping import BranchScopedAdmin, request_access
from apps.staff.models import StaffProfile

from .. import services
from ..errors import ScheduleOverlap, TeacherDoubleBooked, TeacherNotStaff
from ..models import Class, Session
from ..selectors import classes_visible_to, classes_with_seats, sessions_visible_to
from ..services.classes import SCHEDULE_FIELDS, room_free_check, teacher_free_check
from ..services.common import teacher_check
from ..validation import schedule_check
from . import schedule
from .common import AcademyOnlyAdmin, hhmm, local, person_name, schedule_text, weekday_choices

FORM_FIELDS = ["name", "course", "teacher", "branch", "room", "capacity", "weekdays", "start_time",
               "duration_minutes", "starts_on", "ends_on", "is_active"]


def active_teachers():
    staff = StaffProfile.objects.filter(is_active=True).values("user_id")
    return User.objects.filter(pk__in=staff, is_active=True).order_by("full_name", "email")


class TeacherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class ClassForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(label=_("weekdays"), coerce=int, choices=weekday_choices,
                                              widget=UnfoldAdminCheckboxSelectMultipleWidget)

    class Meta:
        model = Class
        fields = FORM_FIELDS

    def clean(self):
        """What the class services would refuse, on the fields: the schedule, the
        teacher, a room another class takes at the same times."""
        data = super().clean()
        instance = self.instance
        values = {name: data.get(name, getattr(instance, name, None)) for name in SCHEDULE_FIELDS}
        if any(name in self.errors for name in SCHEDULE_FIELDS):
            return data
        try:
            values["weekdays"] = schedule_check(**values)
        except InvalidData as error:
            errors_onto(self, error)
            return data
        if data.get("teacher") is not None:
            try:
                teacher_check(data["teacher"])
            except TeacherNotStaff as error:
                self.add_error("teacher", str(error.message))
        branch = data.get("branch") or (instance.branch if instance.branch_id else None)
        teacher = data.get("teacher") or (instance.teacher if instance.teacher_id else None)
        if branch is not None and data.get("is_active", True):
            # the services' own checks, shown on the field they are about
            checks = [("room", lambda: room_free_check(branch=branch, room=data.get("room", ""), schedule=values,
                                                       exclude_pk=instance.pk))]
            if teacher is not None:
                checks.append(("teacher", lambda: teacher_free_check(teacher_id=teacher.pk, branch=branch,
                                                                     schedule=values, exclude_pk=instance.pk)))
            for field, check in checks:
                try:
                    check()
                except (ScheduleOverlap, TeacherDoubleBooked) as error:
                    self.add_error(field, str(error.message))
        return data


class SessionInline(ReadOnlyInline):
    """The class's sessions from a week ago to four weeks ahead, each with its roster."""

    model = Session
    fields = ["when_text", "status", "teacher_text", "roster_link"]
    verbose_name_plural = _("sessions, from last week on")  # past ones stay for their attendance

    def get_queryset(self, request):
        now = timezone.now()
        return (super().get_queryset(request).filter(starts_at__gte=now - dt.timedelta(days=7),
                                                     starts_at__lte=now + dt.timedelta(days=28))
                .select_related("klass__branch", "substitute_teacher"))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("academy.view_session")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("when"))
    def when_text(self, session):
        start = local(session.starts_at, session.klass.branch)
        return f"{start:%Y-%m-%d} {hhmm(start)}–{hhmm(local(session.ends_at, session.klass.branch))}"

    @admin.display(description=_("substitute teacher"))
    def teacher_text(self, session):
        return person_name(session.substitute_teacher) if session.substitute_teacher_id else "—"

    @admin.display(description=_("roster"))
    def roster_link(self, session):
        url = reverse("tenant_admin:academy_roster", args=[session.pk])
        return format_html('<a href="{}">{}</a>', url, _("Attendance"))


class SessionAdmin(AcademyOnlyAdmin, ModelAdmin):
    """Sessions are met on the week's timetable (their list) and each on its roster (its
    page); they come from a class's schedule, never typed in."""

    def get_queryset(self, request):
        return sessions_visible_to(user=request.user, access=request_access(request))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:session_id>/roster/", view(schedule.roster_view), name="academy_roster"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return schedule.timetable_view(request)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect(reverse(f"{self.admin_site.name}:academy_class_add"))  # a class's schedule makes them

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect(reverse(f"{self.admin_site.name}:academy_roster", args=[object_id]))

    def has_delete_permission(self, request, obj=None):
        return False  # cancelled, never deleted: the students were told


class ClassAdmin(AcademyOnlyAdmin, ServiceFormAdmin, BranchScopedAdmin):
    form = ClassForm
    empty_help = _("Classes are courses taught by a teacher at a branch, every week at the same times.")
    list_display = ["name", "course", "teacher_column", "branch", "room", "schedule_column", "seats_column",
                    "links_column"]
    list_filter = ["is_active", "branch"]
    search_fields = ["name", "course__name", "room"]
    list_select_related = ["course", "branch", "teacher"]
    inlines = [SessionInline]
    fieldsets = [
        (None, {"fields": ["name", "course", "teacher", "branch", "room", "capacity", "is_active"]}),
        (_("Weekly schedule"), {"fields": ["weekdays", "start_time", "duration_minutes", "starts_on", "ends_on"]}),
    ]

    def get_queryset(self, request):
        visible = classes_visible_to(user=request.user, access=request_access(request))
        return classes_with_seats(queryset=visible.select_related("teacher"))

    def get_readonly_fields(self, request, obj=None):
        return ["course", "branch"] if obj is not None else []

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # a class that ends is made inactive: its sessions and enrolments are history

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "teacher":
            return TeacherChoiceField(queryset=active_teachers(), label=capital(db_field.verbose_name),
                                      widget=UnfoldAdminSelectWidget(), required=True)
        if db_field.name == "course":
            kwargs["queryset"] = Item.objects.filter(kind=Item.Kind.COURSE).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- columns ---------------------------------------------------------------------------

    @admin.display(description=_("teacher"), ordering="teacher__full_name")
    def teacher_column(self, klass):
        return person_name(klass.teacher)

    @admin.display(description=_("schedule"))
    def schedule_column(self, klass):
        return schedule_text(klass)

    @admin.display(description=_("seats"), ordering="seats_taken")
    def seats_column(self, klass):
        return gettext("%(taken)s of %(capacity)s") % {"taken": klass.seats_taken, "capacity": klass.capacity}

    @admin.display(description=_("pages"))
    def links_column(self, klass):
        timetable = reverse("tenant_admin:academy_session_changelist") + f"?branch={klass.branch_id}"
        waitlist = reverse("tenant_admin:academy_waitlist", args=[klass.pk])
        return format_html('<a href="{}">{}</a> · <a href="{}">{}</a>', timetable, _("Timetable"), waitlist,
                           _("Waitlist"))

    # --- writes through the services ----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in FORM_FIELDS if name in form.cleaned_data}
        if change:
            self.call_service(request, lambda: services.class_update(klass=Class.objects.get(pk=obj.pk),
                                                                    actor=request.user, **data))
            return
        is_active = data.pop("is_active", True)
        klass = self.call_service(request, lambda: services.class_create(actor=request.user, **data))
        if klass is not None:
            if not is_active:
                self.call_service(request, lambda: services.class_update(klass=klass, actor=request.user,
                                                                        is_active=False))
            obj.pk, obj.name = klass.pk, klass.name

    # --- the schedule's pages -------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:class_id>/waitlist/", view(schedule.waitlist_view), name="academy_waitlist"),
                *super().get_urls()]


def capital(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]

