"""Invoices and their payments in the ops portal (HQ voids one issued in error). The
owner's invoice pages in the workspace admin: .owner."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_filters import DateRangeFilter, SelectedRelatedFilter
from apps.core.admin_mixins import ReadOnlyAdminMixin, ReadOnlyInline
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin

from ..invoicing import invoice_void
from ..models import Invoice, InvoiceLine, Payment
from .common import ServiceErrors, money_column


def _line_currency(line) -> str:
    return line.invoice.currency


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = ["kind", "description", "quantity", "unit_price", "line_amount"]
    unit_price = money_column("unit_amount", _("unit amount"), currency=_line_currency)
    line_amount = money_column("amount", _("amount"), currency=_line_currency)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["reference", "provider", "amount_display", "status", "failure_reason", "off_session", "created_at",
              "completed_at"]
    amount_display = money_column("amount", _("amount"))


class InvoiceMoney:
    """The invoice's amounts as people read them."""

    subtotal_display = money_column("subtotal", _("subtotal"))
    discount_display = money_column("discount", _("discount"))
    tax_display = money_column("tax", _("tax"))
    total_display = money_column("total", _("total"))


@admin.register(Invoice, site=ops_admin)
class InvoiceAdmin(ReadOnlyAdminMixin, InvoiceMoney, ServiceErrors, ModelAdmin):
    list_display = ["number", "tenant", "status", "issue_date", "due_date", "subtotal_display", "discount_display",
                    "tax_display", "total_display", "paid_at"]
    list_filter = ["status", ("due_date", DateRangeFilter.titled(_("due date"))), "currency",
                   ("tenant", SelectedRelatedFilter)]
    search_fields = ["number", "tenant__slug", "tenant__name"]
    list_select_related = ["tenant"]
    date_hierarchy = "issue_date"
    list_fullwidth = True  # ten columns: the whole width, not unfold's centred container
    inlines = [InvoiceLineInline, PaymentInline]
    readonly_fields = ["number", "tenant", "subscription", "status", "issue_date", "due_date", "period_start",
                       "period_end", "subtotal_display", "discount_display", "tax_display", "total_display",
                       "paid_at", "created_at"]
    fields = readonly_fields
    actions = ["void"]

    def has_void_permission(self, request):
        return request.user.has_perm("billing.change_pricing")

    @admin.action(description=_("Void (issued in error)"), permissions=["void"])
    def void(self, request, queryset):
        for invoice in queryset:
            if self._run(request, invoice_void, invoice=invoice, actor=request.user,
                         reason=str(_("Voided in the ops portal"))):
                self.message_user(request, _("Invoice %(number)s voided.") % {"number": invoice.number})


admin_navigation(ops_admin, "billing", model=Invoice, icon="receipt_long", order=60)
