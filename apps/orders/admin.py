"""Orders in the tenant admin: the list with its filters, each order read-only with its
lines and status history, and the status moves of its flow (confirm, complete, cancel
with a reason) through the services.

apps.payments extends this page (payments inline, refunds, cancel with a refund): it
unregisters Order and registers a subclass of `OrderAdmin`. Moves go through
`order_move`, the one method to override for a status that needs more (a refund)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from unfold.decorators import action
from unfold.widgets import UnfoldAdminTextareaWidget

from apps.core.admin_filters import DateRangeFilter
from apps.core.admin_mixins import ReadOnlyInline, money_column
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.core.money import Money
from apps.rbac.admin_scoping import BranchScopedAdmin

from . import services
from .flows import CANCELLED, COMPLETED, CONFIRMED, PLACED, flow_for, status_choices, status_label
from .models import Order, OrderLine, OrderTransition

# The colour of each status's badge (unfold's label variants); a status some business
# module's flow adds ("preparing", "ready") reads in the neutral colour.
STATUS_VARIANTS = {PLACED: "info", CONFIRMED: "primary", COMPLETED: "success", CANCELLED: "danger"}
PAYMENT_VARIANTS = {Order.PaymentStatus.UNPAID: "warning", Order.PaymentStatus.PAID: "success",
                    Order.PaymentStatus.PARTIALLY_REFUNDED: "info", Order.PaymentStatus.REFUNDED: ""}


def badge(text, variant: str = "") -> str:
    """A status as unfold's coloured label, on lists and on read-only pages alike (unfold's
    `@display(label=...)` works on change lists only)."""
    return render_to_string("unfold/helpers/label.html", {"text": text, "type": variant})


class StatusFilter(admin.SimpleListFilter):
    """The statuses of every registered flow, as people read them."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return status_choices()

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class _ParentPermissionInline(ReadOnlyInline):
    """Lines and moves have no permissions of their own (apps.authz HIDDEN_MODELS): whoever
    may see the order sees them."""

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)


class OrderLineInline(_ParentPermissionInline):
    model = OrderLine
    fields = ["item_name", "options_text", "unit_price_text", "quantity", "discount_text", "line_total_text"]

    @admin.display(description=_("options"))
    def options_text(self, line):
        return ", ".join(option.get("name", "") for option in line.options or []) or "—"

    def _money(self, line, amount):
        return Money(int(amount), line.order.currency).format()

    @admin.display(description=_("unit price"))
    def unit_price_text(self, line):
        return self._money(line, line.unit_price)

    @admin.display(description=_("discount"))
    def discount_text(self, line):
        return self._money(line, line.discount)

    @admin.display(description=_("total"))
    def line_total_text(self, line):
        return self._money(line, line.line_total)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order")


class OrderTransitionInline(_ParentPermissionInline):
    model = OrderTransition
    fields = ["created_at", "from_label", "to_label", "actor", "reason"]
    verbose_name_plural = _("status history")

    @admin.display(description=_("from"))
    def from_label(self, move):
        return status_label(move.from_status) if move.from_status else "—"

    @admin.display(description=_("to"))
    def to_label(self, move):
        return status_label(move.to_status)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class MoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000,
                             widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}))

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.fields["reason"].help_text = (_("The customer may read it.") if reason_required
                                           else _("Optional: kept in the order's status history."))


# (action name, target status, its button) for the moves of the standard flow
CONFIRM, COMPLETE = pgettext_lazy("order action", "Confirm"), pgettext_lazy("order action", "Complete")
MOVES = {"confirm_order": (CONFIRMED, CONFIRM), "complete_order": (COMPLETED, COMPLETE),
         "cancel_order": (CANCELLED, _("Cancel order"))}


@admin.register(Order, site=tenant_admin)
class OrderAdmin(BranchScopedAdmin):
    empty_help = _("Orders and reservations your customers place, through your app or by staff, appear here with "
                   "their status and payment.")
    list_display = ["number_column", "created_at", "customer", "branch", "kind", "status_column", "payment_column",
                    "total_column"]
    list_display_links = ["number_column"]
    list_filter = [StatusFilter, "payment_status", "kind", "fulfilment", "branch",
                   ("created_at", DateRangeFilter.titled(_("date")))]
    search_fields = ["customer__name"]
    search_help_text = _("An order number (#1024) or a customer's name.")
    list_select_related = ["customer", "branch"]
    fieldsets = [
        (None, {"fields": ["number_column", "kind", "status_column", "payment_column", "customer", "branch",
                           "fulfilment", "scheduled_for", "party_size", "notes", "delivery_text", "coupon_code"]}),
        (_("Amounts"), {"fields": ["subtotal_text", "discount_text", "fees_text", "total_column", "vat_text",
                                   "paid_text", "refunded_text"]}),
        (_("Record"), {"fields": ["placed_by", "created_at", "updated_at"]}),
    ]
    inlines = [OrderLineInline, OrderTransitionInline]
    actions = ["confirm_selected", "complete_selected"]
    actions_detail = ["confirm_order", "complete_order", "cancel_order"]

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def get_fieldsets(self, request, obj=None):
        """What the order has: a pickup order shows no reservation nor delivery rows, an
        order without a coupon, discount or fees no empty rows for them."""
        if obj is None:
            return self.fieldsets
        empty = set()
        if obj.scheduled_for is None:
            empty.add("scheduled_for")
        if obj.party_size is None:
            empty.add("party_size")
        if not obj.delivery and obj.fulfilment != Order.Fulfilment.DELIVERY:
            empty.add("delivery_text")
        if not obj.coupon_code:
            empty.add("coupon_code")
        if not obj.notes:
            empty.add("notes")
        if not obj.discount_total:
            empty.add("discount_text")
        if not obj.fee_total:
            empty.add("fees_text")
        if not obj.refunded_amount:
            empty.add("refunded_text")
        return [(title, {**options, "fields": [name for name in options["fields"] if name not in empty]})
                for title, options in self.fieldsets]

    # --- columns ---------------------------------------------------------------------------

    @admin.display(description=_("number"), ordering="number")
    def number_column(self, order):
        return f"#{order.number}"

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, order):
        return badge(status_label(order.status), STATUS_VARIANTS.get(order.status, ""))

    @admin.display(description=_("payment"), ordering="payment_status")
    def payment_column(self, order):
        return badge(order.get_payment_status_display(), PAYMENT_VARIANTS.get(order.payment_status, ""))

    def _money(self, order, amount) -> str:
        return Money(int(amount), order.currency).format()

    @admin.display(description=_("total"), ordering="total")
    def total_column(self, order):
        return self._money(order, order.total)

    subtotal_text = money_column("subtotal", _("subtotal"), ordering=False)
    discount_text = money_column("discount_total", _("discount"), ordering=False)
    fees_text = money_column("fee_total", _("fees"), ordering=False)
    vat_text = money_column("vat_total", _("VAT included"), ordering=False)
    paid_text = money_column("paid_amount", _("paid"), ordering=False)
    refunded_text = money_column("refunded_amount", _("refunded"), ordering=False)

    @admin.display(description=_("delivery details"))
    def delivery_text(self, order):
        details = order.delivery or {}
        return " · ".join(str(details[name]) for name in ("address", "phone", "memo") if details.get(name)) or "—"

    # --- what may be done --------------------------------------------------------------------

    def has_add_permission(self, request):
        return False  # orders are placed by customers and staff through the API, never typed in here

    def has_change_permission(self, request, obj=None):
        # An order's page is read-only: it changes only through its status moves below.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # orders are history: cancel them instead

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().lstrip("#")
        if term.isdigit() and len(term) < 10:
            return queryset.filter(Q(number=int(term)) | Q(customer__name__icontains=term)), False
        return super().get_search_results(request, queryset, search_term)

    def _may_move(self, request) -> bool:
        return request.user.has_perm("orders.change_order")

    def _order(self, request, object_id) -> Order | None:
        """The order if the user may change it (their scope), once per request."""
        cache = request.__dict__.setdefault("_orders_admin_order", {})
        if object_id not in cache:
            order = self.get_object(request, str(object_id))
            in_scope = order is not None and self._may_move(request) and self._in_scope(request, "change", order)
            cache[object_id] = order if in_scope else None
        return cache[object_id]

    def _can(self, request, object_id, status: str) -> bool:
        order = self._order(request, object_id) if object_id else None
        return order is not None and flow_for(order).machine.can(order.status, status)

    def has_confirm_permission(self, request, object_id=None):
        return self._can(request, object_id, CONFIRMED)

    def has_complete_permission(self, request, object_id=None):
        return self._can(request, object_id, COMPLETED)

    def has_cancel_permission(self, request, object_id=None):
        return self._can(request, object_id, CANCELLED)

    # --- moves -------------------------------------------------------------------------------

    def order_move(self, request, order: Order, to_status: str, reason: str) -> Order:
        """The service behind every move made here (a subclass refunds before cancelling)."""
        return services.order_transition(order=order, to_status=to_status, actor=request.user, reason=reason)

    def move_view(self, request, object_id, action_name: str):
        to_status, button = MOVES[action_name]
        order = self._order(request, object_id)
        if order is None:
            raise Http404
        if not self._can(request, object_id, to_status):
            raise PermissionDenied
        change_url = reverse(f"{self.admin_site.name}:orders_order_change", args=[order.pk])
        form = MoveForm(request.POST if request.method == "POST" else None,
                        reason_required=to_status == CANCELLED)
        if request.method == "POST" and form.is_valid():
            try:
                self.order_move(request, order, to_status, form.cleaned_data["reason"])
            except PlatformError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Order #%(number)s is now %(status)s.") % {
                    "number": order.number, "status": status_label(to_status).lower()})
                return redirect(change_url)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "order": order, "form": form,
                   "original": order,  # the header's breadcrumbs: Orders › Orders › #1024
                   "title": _("%(action)s: order #%(number)s") % {"action": button, "number": order.number},
                   "button": button, "danger": to_status == CANCELLED, "change_url": change_url,
                   "status_label": status_label(order.status), "target_label": status_label(to_status),
                   "total": self._money(order, order.total)}
        return TemplateResponse(request, "admin/orders/order/move.html", context)

    @action(description=CONFIRM, permissions=["confirm"], icon="check")
    def confirm_order(self, request, object_id):
        return self.move_view(request, object_id, "confirm_order")

    @action(description=COMPLETE, permissions=["complete"], icon="done_all")
    def complete_order(self, request, object_id):
        return self.move_view(request, object_id, "complete_order")

    @action(description=_("Cancel order"), permissions=["cancel"], icon="cancel")
    def cancel_order(self, request, object_id):
        return self.move_view(request, object_id, "cancel_order")

    def _move_selected(self, request, queryset, to_status: str):
        moved = 0
        scoped = self.get_queryset(request).filter(pk__in=queryset.values("pk"))
        for order in scoped:
            if not self._in_scope(request, "change", order):
                continue
            try:
                self.order_move(request, order, to_status, "")
                moved += 1
            except PlatformError as error:
                messages.error(request, f"#{order.number}: {error.message}")
        if moved:
            messages.success(request, _("%(count)s orders are now %(status)s.") % {
                "count": moved, "status": status_label(to_status).lower()})

    @admin.action(description=_("Confirm selected orders"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        self._move_selected(request, queryset, CONFIRMED)

    @admin.action(description=_("Complete selected orders"), permissions=["change"])
    def complete_selected(self, request, queryset):
        self._move_selected(request, queryset, COMPLETED)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


admin_navigation(tenant_admin, "sales", model=Order, icon="receipt_long", order=10)
