"""Passes and tuition in the tenant admin: the unpaid tuition list (the front desk
records cash or bank-transfer payments from it), students' passes with what is left
(sold and refunded through the services), the passes on sale, and the academy's
billing rules. Rows are reached through their student (students_visible_to with the
page's permission)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminSelectWidget

from apps.catalog.models import Item
from apps.core.admin_mixins import ServiceFormAdmin
from apps.core.errors import PlatformError
from apps.core.money import Money

from ..models import Pass, PassPlan, TuitionInvoice
from ..selectors import access_as, students_visible_to
from ..services import passes as pass_services
from ..services import tuition as tuition_services
from .common import AcademyOnlyAdmin, access_of, may
from .enrolments import StudentChoiceField, badge

INVOICE = TuitionInvoice.Status
INVOICE_VARIANTS = {INVOICE.OPEN: "warning", INVOICE.PAID: "success", INVOICE.VOID: ""}
PASS_VARIANTS = {Pass.Status.PENDING_PAYMENT: "warning", Pass.Status.ACTIVE: "success", Pass.Status.USED_UP: "info",
                 Pass.Status.REFUNDED: "", Pass.Status.CANCELLED: ""}


def money(amount: int, currency: str) -> str:
    return Money(int(amount), currency).format()


def order_link(model_admin, order) -> str:
    """The row's order as "#number", linking to its page (where its payment is taken).
    Labelled as a purchase: the models' plain "order" reads as a position in Korean."""
    if order is None:
        return "—"
    try:
        url = reverse(f"{model_admin.admin_site.name}:orders_order_change", args=[order.pk])
    except NoReverseMatch:
        return f"#{order.number}"
    return format_html('<a href="{}" class="text-link">#{}</a>', url, order.number)


class StudentOwnedAdmin(AcademyOnlyAdmin, ModelAdmin):
    """Rows of the students the page's view permission reaches. A row's page is
    read-only and nothing is deleted: rows move through the list's actions (recording a
    payment, a refund), which need the change permission."""

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    view_perm = ""

    def get_queryset(self, request):
        access = access_as(access_of(request), self.view_perm, "academy.view_studentprofile")
        students = students_visible_to(user=request.user, access=access)
        return super().get_queryset(request).filter(student__in=students.values("pk"))


# --- Tuition ----------------------------------------------------------------------------


class PaymentFilter(admin.SimpleListFilter):
    """Unpaid first: the front desk's list. "All" shows every invoice."""

    title = _("payment")
    parameter_name = "payment"

    def lookups(self, request, model_admin):
        return [("unpaid", INVOICE.OPEN.label), ("overdue", _("Overdue")), ("paid", INVOICE.PAID.label),
                ("all", _("All"))]

    def value(self):
        return super().value() or "unpaid"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {"selected": self.value() == lookup, "query_string": changelist.get_query_string(
                {self.parameter_name: lookup}), "display": title}

    def queryset(self, request, queryset):
        today = timezone.localdate()
        return {"unpaid": queryset.filter(status=INVOICE.OPEN),
                "overdue": queryset.filter(TuitionInvoice.overdue(today)),
                "paid": queryset.filter(status=INVOICE.PAID)}.get(self.value(), queryset)


class TuitionInvoiceAdmin(StudentOwnedAdmin):
    view_perm = "academy.view_tuitioninvoice"
    empty_help = _("Monthly tuition is issued on the academy's billing day for every active enrolment.")
    list_display = ["student", "class_column", "month_column", "total_column", "due_column", "status_column",
                    "paid_via"]
    list_filter = [PaymentFilter, "period"]
    search_fields = ["student__name", "enrolment__klass__name"]
    search_help_text = _("A student's name or a class.")
    list_select_related = ["student", "enrolment__klass"]
    ordering = ["due_on", "student__name", "id"]
    actions = ["record_cash", "record_transfer"]
    fields = ["student", "enrolment", "month_column", "status_column", "list_amount_column", "sessions_in_month",
              "sessions_billed", "proration_column", "sibling_discount_column", "total_column", "due_on",
              "order_column", "paid_via", "paid_at", "recorded_by", "reminders_sent", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False  # issued by the beat and with each enrolment

    def get_list_display(self, request):
        # nothing is paid in the unpaid (default) and overdue lists: no empty "paid by" column
        if request.GET.get(PaymentFilter.parameter_name, "unpaid") in ("unpaid", "overdue"):
            return [column for column in self.list_display if column != "paid_via"]
        return self.list_display

    @admin.display(description=pgettext_lazy("purchase", "order"))
    def order_column(self, invoice):
        return order_link(self, invoice.order)

    @admin.display(description=_("monthly tuition"))
    def list_amount_column(self, invoice):
        return money(invoice.list_amount, invoice.currency)

    @admin.display(description=_("pro-rating"))
    def proration_column(self, invoice):
        return money(invoice.proration, invoice.currency)

    @admin.display(description=_("sibling discount"))
    def sibling_discount_column(self, invoice):
        return money(invoice.sibling_discount, invoice.currency)

    @admin.display(description=_("class"), ordering="enrolment__klass__name")
    def class_column(self, invoice):
        return invoice.enrolment.klass.name

    @admin.display(description=_("month"), ordering="period")
    def month_column(self, invoice):
        return f"{invoice.period:%Y-%m}"

    @admin.display(description=_("total"), ordering="total")
    def total_column(self, invoice):
        return money(invoice.total, invoice.currency)

    @admin.display(description=_("due on"), ordering="due_on")
    def due_column(self, invoice):
        if invoice.is_overdue:
            return badge(gettext("Overdue since %(date)s") % {"date": f"{invoice.due_on:%Y-%m-%d}"}, "danger")
        return f"{invoice.due_on:%Y-%m-%d}"

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, invoice):
        return badge(invoice.get_status_display(), INVOICE_VARIANTS.get(invoice.status, ""))

    def _record(self, request, queryset, method: str):
        done = 0
        for invoice in queryset.filter(status=INVOICE.OPEN).select_related("student"):
            try:
                tuition_services.tuition_record_payment(invoice=invoice, method=method, actor=request.user)
                done += 1
            except PlatformError as error:
                messages.error(request, f"{invoice.student.name}: {error.message}")
        if done:
            messages.success(request, ngettext("%(count)s invoice recorded as paid.",
                                               "%(count)s invoices recorded as paid.", done) % {"count": done})

    @admin.action(description=_("Record cash payment"), permissions=["change"])
    def record_cash(self, request, queryset):
        self._record(request, queryset, TuitionInvoice.Method.CASH)

    @admin.action(description=_("Record bank transfer"), permissions=["change"])
    def record_transfer(self, request, queryset):
        self._record(request, queryset, TuitionInvoice.Method.TRANSFER)


# --- Passes -----------------------------------------------------------------------------


class PassForm(forms.ModelForm):
    class Meta:
        model = Pass
        fields = ["student", "plan"]


class PassAdmin(ServiceFormAdmin, StudentOwnedAdmin):
    view_perm = "academy.view_pass"
    form = PassForm
    empty_help = _("Passes students bought: a number of sessions or a period, used up by attendance.")
    list_display = ["student", "plan", "status_column", "sessions_column", "valid_column", "price_column"]
    list_filter = ["status", "plan"]
    search_fields = ["student__name", "plan__item__name"]
    search_help_text = _("A student's name or a pass.")
    list_select_related = ["student", "plan__item"]
    actions = ["refund_selected"]
    readonly_fields = ["status_column", "sessions_column", "valid_column", "price_only", "order_column",
                       "refunded_column", "reason", "created_at", "activated_at", "closed_at"]

    def add_view(self, request, form_url="", extra_context=None):
        # a sold pass's page is read-only: "save and continue editing" would edit nothing
        return super().add_view(request, form_url, {**(extra_context or {}), "show_save_and_continue": False})

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["student", "plan"],
                            "description": _("The pass's order is placed: take its payment from the order.")})]
        return [(None, {"fields": ["student", "plan", *self.readonly_fields]})]

    def get_readonly_fields(self, request, obj=None):
        return ["student", "plan", *self.readonly_fields] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "student":
            access = access_as(access_of(request), "academy.add_pass", "academy.view_studentprofile")
            students = students_visible_to(user=request.user, access=access)
            return StudentChoiceField(queryset=students.order_by("name"), label=_("Student"),
                                      widget=UnfoldAdminSelectWidget)  # styled like the plan's select
        if db_field.name == "plan":
            kwargs["queryset"] = PassPlan.objects.filter(item__is_active=True).select_related("item")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, student_pass):
        if student_pass.is_expired:
            return badge(gettext("Expired"), "danger")
        return badge(student_pass.get_status_display(), PASS_VARIANTS.get(student_pass.status, ""))

    @admin.display(description=_("sessions used"))
    def sessions_column(self, student_pass):
        if student_pass.sessions_total is None:
            return gettext("%(used)s (no limit)") % {"used": student_pass.sessions_used}
        return gettext("%(used)s of %(total)s (%(left)s left)") % {
            "used": student_pass.sessions_used, "total": student_pass.sessions_total,
            "left": student_pass.sessions_left}

    @admin.display(description=_("valid"), ordering="valid_until")
    def valid_column(self, student_pass):
        if student_pass.valid_from is None:
            return "—"
        return f"{student_pass.valid_from:%Y-%m-%d} – {student_pass.valid_until:%Y-%m-%d}"

    @admin.display(description=_("price"), ordering="price")
    def price_column(self, student_pass):
        price = money(student_pass.price, student_pass.currency)
        if not student_pass.refunded_amount:
            return price
        return gettext("%(price)s (%(refunded)s refunded)") % {
            "price": price, "refunded": money(student_pass.refunded_amount, student_pass.currency)}

    @admin.display(description=_("price"))
    def price_only(self, student_pass):  # the pass's page has its own "refunded" row
        return money(student_pass.price, student_pass.currency)

    @admin.display(description=pgettext_lazy("purchase", "order"))
    def order_column(self, student_pass):
        return order_link(self, student_pass.order)

    @admin.display(description=_("refunded"))
    def refunded_column(self, student_pass):
        return money(student_pass.refunded_amount, student_pass.currency) if student_pass.refunded_amount else "—"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        made = self.call_service(request, lambda: pass_services.pass_buy(plan=data["plan"], student=data["student"],
                                                                         actor=request.user))
        if made is not None:
            obj.pk = made.pk

    @admin.action(description=_("Refund selected passes (by the academy's rule)"), permissions=["change"])
    def refund_selected(self, request, queryset):
        done = 0
        for student_pass in queryset.select_related("student"):
            try:
                pass_services.pass_refund(student_pass=student_pass, actor=request.user,
                                          reason=gettext("Refunded at the front desk"))
                done += 1
            except PlatformError as error:
                messages.error(request, f"{student_pass.student.name}: {error.message}")
        if done:
            messages.success(request, ngettext("%(count)s pass refunded.", "%(count)s passes refunded.", done)
                             % {"count": done})


class PassPlanForm(forms.ModelForm):
    class Meta:
        model = PassPlan
        fields = ["item", "kind", "sessions", "valid_days", "course"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.exclude(kind=Item.Kind.COURSE).order_by("name")
        self.fields["course"].queryset = Item.objects.filter(kind=Item.Kind.COURSE,
                                                             course_details__billing="pass").order_by("name")


class PassPlanAdmin(AcademyOnlyAdmin, ServiceFormAdmin, ModelAdmin):
    form = PassPlanForm
    empty_help = _("Sell a catalog item as a pass: a number of sessions or a period, for a course billed per pass.")
    list_display = ["item", "kind", "sessions", "valid_days", "course_column", "price_column"]
    list_select_related = ["item", "course"]

    @admin.display(description=_("course"), ordering="course__name")
    def course_column(self, plan):
        return plan.course.name if plan.course_id else gettext("All")  # any course billed per pass

    @admin.display(description=_("price"), ordering="item__price")
    def price_column(self, plan):
        return money(plan.item.price, plan.item.currency)

    # a pass's plan comes with the catalog item's rights (apps.authz.catalogue: passplan is hidden)
    def has_module_permission(self, request):
        return may(request, "catalog.view_item")

    def has_view_permission(self, request, obj=None):
        return may(request, "catalog.view_item")

    def has_add_permission(self, request, *args):
        return may(request, "catalog.change_item")

    def has_change_permission(self, request, obj=None):
        return may(request, "catalog.change_item")

    def has_delete_permission(self, request, obj=None):
        return False  # passes sold keep their plan

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        plan = self.call_service(request, lambda: pass_services.pass_plan_set(
            item=data["item"], kind=data["kind"], sessions=data.get("sessions"), valid_days=data["valid_days"],
            course=data.get("course"), actor=request.user))
        if plan is not None:
            obj.pk = plan.pk


# --- The academy's billing rules ---------------------------------------------------------


class AcademySettingsAdmin(AcademyOnlyAdmin, ModelAdmin):
    """One row: the list opens it."""

    fields = ["billing_day", "due_days", "reminder_every_days", "reminders_max", "pass_refund_rule",
              "sibling_coupon"]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = tuition_services.academy_settings()
        if row._state.adding:
            row = tuition_services.academy_settings_update(actor=request.user)
        return HttpResponseRedirect(reverse(f"{self.admin_site.name}:academy_academysettings_change",
                                            args=[row.pk]))

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # one page of rules: "save" already comes back to it
        return super().change_view(request, object_id, form_url,
                                   {**(extra_context or {}), "show_save_and_continue": False})

    def save_model(self, request, obj, form, change):
        tuition_services.academy_settings_update(actor=request.user,
                                                 **{name: form.cleaned_data[name] for name in form.changed_data})
