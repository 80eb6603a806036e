"""Payments in the workspace admin: the list of order payments (read-only: only the
provider's webhooks and the refund service write them), and, on each order's page (the
orders app's OrderAdmin, extended here), its payments with their refunds and a "Refund"
page that calls refund_create."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminIntegerFieldWidget, UnfoldAdminTextInputWidget

from apps.core.admin_filters import DateRangeFilter
from apps.core.admin_mixins import ReadOnlyAdminMixin, ReadOnlyInline, money_column
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.core.money import Money
from apps.orders import admin as orders_admin
from apps.orders.admin import badge
from apps.orders.flows import flow_for
from apps.orders.models import Order

from . import selectors, services
from .models import Payment, Refund

# the same colours as the order's payment badge (apps.orders.admin.PAYMENT_VARIANTS)
STATUS_COLOURS = {Payment.Status.READY: "warning", Payment.Status.PAID: "success",
                  Payment.Status.PARTIAL_CANCELLED: "info", Payment.Status.CANCELLED: "",
                  Payment.Status.FAILED: "danger"}
REFUND_COLOURS = {Refund.Status.PENDING: "info", Refund.Status.SUCCEEDED: "success", Refund.Status.FAILED: "danger"}
# How customers paid, as the provider names it (PortOne V2 / Toss), as people read it.
METHODS = {"card": _("Card"), "transfer": _("Bank transfer"), "virtual_account": _("Virtual account"),
           "easy_pay": _("Easy pay"), "mobile": _("Mobile phone"), "gift_certificate": _("Gift certificate")}


def method_label(code: str) -> str:
    code = (code or "").strip()
    if not code:
        return "—"
    label = METHODS.get(code.lower().replace("-", "_"))
    return str(label) if label is not None else code.replace("_", " ").capitalize()


class MethodFilter(admin.SimpleListFilter):
    """Payment methods the workspace's payments used, as people read them."""

    title = _("method")
    parameter_name = "method"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).exclude(method="").order_by("method").values_list(
            "method", flat=True).distinct()
        return [(code, method_label(code)) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(method=self.value()) if self.value() else queryset


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["created_at", "amount_display", "status_label", "reason", "provider_refund_id", "failure_reason",
              "actor"]
    amount_display = money_column("amount", _("amount"))

    @display(description=_("status"))
    def status_label(self, obj):
        return badge(obj.get_status_display(), REFUND_COLOURS.get(obj.status, ""))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payment", "actor")

    # Refund rows have no permissions of their own (HIDDEN_MODELS): they come with the payment's.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("payments.view_payment") or request.user.has_perm("orders.view_order")


@admin.register(Payment, site=tenant_admin)
class PaymentAdmin(ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("Your customers' payments for orders appear here as they pay, with refunds, the platform "
                   "commission and the provider's fee.")
    list_display = ["reference", "order_number", "status_label", "amount_display", "refunded_display",
                    "commission_display", "fee_display", "method_column", "paid_at"]
    list_filter = ["status", ("paid_at", DateRangeFilter.titled(_("paid at"))), MethodFilter]
    search_fields = ["reference", "order__number"]
    list_select_related = ["order"]
    list_fullwidth = True
    date_hierarchy = "created_at"
    inlines = [RefundInline]
    fields = readonly_fields = ["reference", "order_number", "provider", "status_label", "amount_display",
                                "refunded_display", "refund_pending_display", "method_column", "failure_reason",
                                "commission_rate", "commission_display", "fee_display", "paid_at", "created_at"]

    amount_display = money_column("amount", _("amount"))
    refunded_display = money_column("refunded_amount", _("refunded"))
    refund_pending_display = money_column("refund_pending_amount", _("refund in progress"))
    commission_display = money_column("commission_amount", _("commission"))
    fee_display = money_column("fee_amount", _("provider fee"))

    @display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return badge(obj.get_status_display(), STATUS_COLOURS.get(obj.status, ""))

    @display(description=_("method"), ordering="method")
    def method_column(self, obj):
        return method_label(obj.method)

    @display(description=pgettext_lazy("purchase", "order"), ordering="order__number")
    def order_number(self, obj):
        return f"#{obj.order.number}"


admin_navigation(tenant_admin, "sales", model=Payment, icon="payments", order=20)


# --- The order's page: payments and refunds ------------------------------------------


class PaymentInline(ReadOnlyInline):
    """An order's payments (the orders app's OrderAdmin, extended below)."""

    model = Payment
    fields = ["reference", "status_label", "amount_display", "refunded_display", "method_column", "paid_at",
              "refund_list"]
    amount_display = money_column("amount", _("amount"))
    refunded_display = money_column("refunded_amount", _("refunded"))

    @display(description=_("status"))
    def status_label(self, obj):
        return badge(obj.get_status_display(), STATUS_COLOURS.get(obj.status, ""))

    @display(description=_("method"))
    def method_column(self, obj):
        return method_label(obj.method)

    @display(description=_("refunds"))
    def refund_list(self, obj):
        refunds = list(obj.refunds.all())
        if not refunds:
            return "-"
        return "; ".join(f"{Money(refund.amount, refund.currency).format()} ({refund.get_status_display()}): "
                         f"{refund.reason}" for refund in refunds)

    def get_queryset(self, request):
        return selectors.payment_list()

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("orders.view_order")


class RefundForm(forms.Form):
    # One key per form shown: submitting the same form twice refunds once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, refundable: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"] = forms.IntegerField(
            label=_("Amount"), min_value=1, max_value=refundable or None, widget=UnfoldAdminIntegerFieldWidget,
            help_text=_("In won (the currency's smallest unit); at most what can still be refunded."))
        self.fields["reason"] = forms.CharField(label=_("Reason"), max_length=300, widget=UnfoldAdminTextInputWidget,
                                                help_text=_("Why the order is refunded."))


class OrderAdmin(orders_admin.OrderAdmin):
    """The orders app's order page with the order's payments and their refunds, a
    "Refund" page (amount and reason, through refund_create), and cancelling that refunds
    what was captured first (order_cancel_with_refund)."""

    inlines = [*orders_admin.OrderAdmin.inlines, PaymentInline]
    actions_detail = [*orders_admin.OrderAdmin.actions_detail, "refund_order"]

    def order_move(self, request, order, to_status: str, reason: str):
        if to_status == flow_for(order).cancelled:
            return services.order_cancel_with_refund(order=order, actor=request.user, reason=reason,
                                                     by_customer=False)
        return super().order_move(request, order, to_status, reason)

    def _refundable_order(self, request, object_id):
        """The order if the user may refund it (their scope) and something can be refunded."""
        order = self.get_object(request, str(object_id)) if object_id else None
        if order is None or not request.user.has_perm("orders.refund_order"):
            return None
        if not self._in_scope(request, "refund", order) or order.paid_amount <= order.refunded_amount:
            return None
        return order

    def has_refund_permission(self, request, object_id=None):
        return self._refundable_order(request, object_id) is not None

    @action(description=_("Refund"), permissions=["refund"], icon="currency_exchange", url_path="refund")
    def refund_order(self, request, object_id):
        order = self._refundable_order(request, object_id)
        if order is None:
            raise PermissionDenied
        return refund_view(self, request, order)


def refund_view(model_admin, request, order):
    """The "Refund" page of an order: the amount (prefilled with what can still be
    refunded) and a reason; refund_create does the rest."""
    change_url = reverse(f"{model_admin.admin_site.name}:orders_order_change", args=[order.pk])
    refundable = selectors.order_refundable(order=order)
    currency = order.currency
    form = RefundForm(request.POST if request.method == "POST" else None,
                      initial={"amount": refundable, "idempotency_key": uuid.uuid4().hex}, refundable=refundable)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.refund_create(order=order, amount=form.cleaned_data["amount"],
                                             reason=form.cleaned_data["reason"],
                                             idempotency_key=form.cleaned_data["idempotency_key"], actor=request.user)
        except PlatformError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("%(amount)s refunded on order #%(number)s.") % {
                "amount": Money(outcome.amount, currency).format(), "number": order.number})
            return redirect(change_url)
    title = gettext("Refund order #%(number)s") % {"number": order.number}
    context = {**model_admin.admin_site.each_context(request), "title": title, "content_title": title,
               "order": order, "original": order, "form": form, "change_url": change_url, "opts": model_admin.opts,
               "paid": Money(order.paid_amount, currency).format(),
               "refunded": Money(order.refunded_amount, currency).format(),
               "refundable": Money(refundable, currency).format()}
    return TemplateResponse(request, "payments/admin/refund.html", context)


# payments sits above orders: it extends the orders' admin, never the other way round
tenant_admin.unregister(Order)
tenant_admin.register(Order, OrderAdmin)
