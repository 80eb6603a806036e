"""Enrolments in the tenant admin: the list with its status filter over the classes the
user may see, a student enrolled (or put on the waitlist) through enrolment_create, and
withdrawing or accepting an offered seat through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ServiceFormAdmin
from apps.core.errors import PlatformError
from apps.core.phone import phone_display
from apps.crm.models import Customer

from .. import services
from ..models import Enrolment
from ..selectors import LIVE, classes_visible_to
from .common import AcademyOnlyAdmin, access_of, hhmm, local
from .schedule import reaches

S = Enrolment.Status
VARIANTS = {S.PENDING_PAYMENT: "warning", S.ACTIVE: "success", S.PAUSED: "info", S.WAITLISTED: "primary",
            S.OFFERED: "primary", S.WITHDRAWN: ""}


def badge(text, variant: str = "") -> str:
    return render_to_string("unfold/helpers/label.html", {"text": text, "type": variant})


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {phone_display(obj.phone)}" if getattr(obj, "phone", "") else obj.name


class EnrolmentForm(forms.ModelForm):
    waitlist = forms.BooleanField(label=_("Put on the waitlist when the class is full"), required=False,
                                  initial=True)

    class Meta:
        model = Enrolment
        fields = ["student", "klass"]

    def clean(self):
        """What enrolment_create would refuse, on the form."""
        data = super().clean()
        student, klass = data.get("student"), data.get("klass")
        if student is None or klass is None:
            return data
        live = Enrolment.objects.filter(LIVE, klass=klass, student=student).first()
        if live is not None:
            self.add_error("student", gettext("This student is already enrolled in this class (or waiting for a "
                                               "seat)."))
        elif not data.get("waitlist"):
            taken = Enrolment.objects.filter(klass=klass, status__in=Enrolment.SEAT_HOLDING).count()
            if taken >= klass.capacity:
                self.add_error("klass", gettext("“%(class)s” is full (%(capacity)s seats).")
                               % {"class": klass.name, "capacity": klass.capacity})
        return data


class EnrolmentAdmin(AcademyOnlyAdmin, ServiceFormAdmin, ModelAdmin):
    form = EnrolmentForm
    empty_help = _("Students enrolled in classes, and those waiting for a seat.")
    list_display = ["student", "klass", "status_column", "waitlist_position", "offer_column", "created_at"]
    list_filter = ["status", ("klass", admin.RelatedOnlyFieldListFilter)]
    empty_value_display = "—"
    search_fields = ["student__name", "klass__name"]
    list_select_related = ["student", "klass__branch"]
    actions = ["withdraw_selected", "accept_offer_selected"]
    readonly_fields = ["status_column", "waitlist_position", "offer_column", "order", "reason", "activated_at",
                       "withdrawn_at", "created_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        grant = access_of(request).grant("academy.view_enrolment")
        if grant is None:
            return queryset.none()
        if grant.everywhere:
            return queryset
        return queryset.filter(klass__in=classes_visible_to(user=request.user, access=access_of(request)))

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["student", "klass", "waitlist"]})]
        return [(None, {"fields": ["student", "klass", *self.readonly_fields]})]

    def get_readonly_fields(self, request, obj=None):
        return ["student", "klass", *self.readonly_fields] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        access = access_of(request)
        if db_field.name == "student":
            # any customer the user may see: enrolling makes them a student
            customers = access.scope_filter(Customer.objects.filter(deleted_at__isnull=True), "crm.view_customer")
            return StudentChoiceField(queryset=customers.order_by("name"), label=_("Student"))
        if db_field.name == "klass":
            kwargs["queryset"] = classes_visible_to(user=request.user, access=access).filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # An enrolment's page is read-only: it moves through the actions below.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw instead: enrolments are history

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, enrolment):
        return badge(enrolment.get_status_display(), VARIANTS.get(enrolment.status, ""))

    @admin.display(description=_("offered until"), ordering="offer_expires_at")
    def offer_column(self, enrolment):
        if enrolment.offer_expires_at is None:
            return "—"
        moment = local(enrolment.offer_expires_at, enrolment.klass.branch)
        return f"{moment:%Y-%m-%d} {hhmm(moment)}"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        enrolment = self.call_service(request, lambda: services.enrolment_create(
            student=data["student"], klass=data["klass"], actor=request.user, waitlist=bool(data.get("waitlist"))))
        if enrolment is not None:
            obj.pk = enrolment.pk
            where = (gettext("on the waitlist (position %(position)s)") % {"position": enrolment.waitlist_position}
                     if enrolment.status == S.WAITLISTED else enrolment.get_status_display().lower())
            messages.info(request, gettext("%(student)s is %(where)s in %(class)s.") % {
                "student": enrolment.student.name, "where": where, "class": enrolment.klass.name})

    # --- moves -----------------------------------------------------------------------------

    def _move_selected(self, request, queryset, move, done_message):
        moved = 0
        for enrolment in self.get_queryset(request).filter(pk__in=queryset.values("pk")).select_related(
                "klass", "student"):
            if not reaches(request, "academy.change_enrolment", branch_id=enrolment.klass.branch_id,
                           own=enrolment.klass.teacher_id == request.user.pk):
                continue
            try:
                move(enrolment)
                moved += 1
            except PlatformError as error:
                messages.error(request, f"{enrolment.student.name}: {error.message}")
        if moved:
            messages.success(request, done_message(moved) % {"count": moved})

    @admin.action(description=_("Withdraw selected enrolments"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        self._move_selected(request, queryset, lambda enrolment: services.enrolment_withdraw(
            enrolment=enrolment, actor=request.user), lambda count: ngettext(
            "%(count)s enrolment withdrawn.", "%(count)s enrolments withdrawn.", count))

    @admin.action(description=_("Accept the offered seat"), permissions=["change"])
    def accept_offer_selected(self, request, queryset):
        self._move_selected(request, queryset, lambda enrolment: services.enrolment_offer_accept(
            enrolment=enrolment, actor=request.user), lambda count: ngettext(
            "%(count)s offered seat accepted.", "%(count)s offered seats accepted.", count))

