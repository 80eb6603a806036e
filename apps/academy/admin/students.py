"""Students (a profile on a CRM customer) and the workspace's holidays in the tenant
admin, written through student_profile_set, holiday_create and holiday_delete."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ServiceDeleteMixin, ServiceFormAdmin
from apps.core.phone import phone_display
from apps.crm.models import Customer

from .. import services
from ..models import Holiday
from ..selectors import students_visible_to
from .common import AcademyOnlyAdmin, access_of
from .enrolments import StudentChoiceField


class StudentProfileAdmin(AcademyOnlyAdmin, ServiceFormAdmin, ModelAdmin):
    empty_help = _("Students are customers with a school and grade; enrolling a customer makes them one.")
    list_display = ["name_column", "school", "grade", "branch_column", "guardians_column", "phone_column"]
    search_fields = ["customer__name", "customer__phone", "school"]
    search_help_text = _("A student's name or phone number, or a school.")
    list_filter = ["grade", "customer__branch"]
    fields = ["customer", "school", "grade", "notes"]

    def get_queryset(self, request):
        visible = students_visible_to(user=request.user, access=access_of(request))
        return (super().get_queryset(request).filter(customer__in=visible.values("pk"))
                .select_related("customer__branch").annotate(guardian_count=Count("customer__guardians")))

    def get_readonly_fields(self, request, obj=None):
        return ["customer"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "customer":
            customers = access_of(request).scope_filter(
                Customer.objects.filter(deleted_at__isnull=True, student_profile__isnull=True), "crm.view_customer")
            return StudentChoiceField(queryset=customers.order_by("name"), label=_("Customer"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # a student's history stays with the customer

    @admin.display(description=_("name"), ordering="customer__name")
    def name_column(self, profile):
        return profile.customer.name

    @admin.display(description=_("branch"), ordering="customer__branch__name")
    def branch_column(self, profile):
        return profile.customer.branch.name if profile.customer.branch_id else "—"

    @admin.display(description=_("guardians"), ordering="guardian_count")
    def guardians_column(self, profile):
        return profile.guardian_count

    @admin.display(description=_("phone"))
    def phone_column(self, profile):
        return phone_display(profile.customer.phone) or "—"  # 010-5678-9005, as the customer list shows it

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name, "") for name in ("school", "grade", "notes")}
        customer = obj.customer if change else form.cleaned_data["customer"]
        profile = self.call_service(request, lambda: services.student_profile_set(
            customer=customer, actor=request.user, **data))
        if profile is not None:
            obj.pk = profile.pk


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name"]


class HolidayAdmin(AcademyOnlyAdmin, ServiceDeleteMixin, ServiceFormAdmin, ModelAdmin):
    form = HolidayForm
    empty_help = _("Days the academy is closed: no sessions are planned on them, and those already planned are "
                   "cancelled (the students are told).")
    list_display = ["date", "name"]
    fields = ["date", "name"]
    date_hierarchy = "date"

    def has_change_permission(self, request, obj=None):
        # A holiday is added or removed, never moved: its sessions were cancelled for it.
        return obj is None and super().has_change_permission(request)

    def save_model(self, request, obj, form, change):
        holiday = self.call_service(request, lambda: services.holiday_create(
            date=form.cleaned_data["date"], name=form.cleaned_data["name"], actor=request.user))
        if holiday is not None:
            obj.pk = holiday.pk

    def delete_with_service(self, request, obj) -> None:
        services.holiday_delete(holiday=obj, actor=request.user)
