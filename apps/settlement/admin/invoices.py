"""The commission tax invoices (세금계산서) of confirmed batches in the ops portal: the
list (filter: issue date; search: number, tenant, recipient), each read-only, and the list
as filtered in CSV for filing (exports.tax_invoices_csv_stream). Only confirming a batch writes
them (services.lifecycle)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from unfold.admin import ModelAdmin
from unfold.decorators import display

from apps.core.admin_filters import DateRangeFilter, SelectedRelatedFilter
from apps.core.admin_mixins import ListedRowsMixin, ReadOnlyAdminMixin, money_column
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin

from .. import exports, selectors
from ..models import TaxInvoice
from .ops import csv_stream_response, period_text


@admin.register(TaxInvoice, site=ops_admin)
class TaxInvoiceAdmin(ListedRowsMixin, ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("A tax invoice for the platform's commission is recorded when a batch is confirmed.")
    list_display = ["number", "issue_date", "tenant_column", "recipient_business_number", "supply_column",
                    "vat_column", "total_column"]
    list_filter = [("issue_date", DateRangeFilter.titled(_("issue date"))), ("tenant", SelectedRelatedFilter)]
    search_fields = ["number", "tenant__slug", "tenant__name", "recipient_name", "recipient_business_number"]
    search_help_text = _("A number, a tenant, or the recipient's name or registration number.")
    list_fullwidth = True
    change_list_template = "settlement/ops/change_list_export.html"
    fieldsets = [
        (None, {"fields": ["number", "issue_date", "batch_column", "tenant_column", "item_column"]}),
        (_("Amounts"), {"fields": ["supply_column", "vat_column", "total_column"]}),
        (_("Supplier"), {"fields": ["supplier_name", "supplier_business_number", "supplier_representative",
                                    "supplier_address", "supplier_email"]}),
        (_("Recipient"), {"fields": ["recipient_column", "recipient_business_number", "recipient_address",
                                     "recipient_email"]}),
    ]

    supply_column = money_column("supply_amount", _("supply amount"))
    vat_column = money_column("vat", _("VAT"))
    total_column = money_column("total", _("total"))

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def get_queryset(self, request):
        return selectors.tax_invoice_list()

    def get_actions(self, request):
        return {}

    @display(description=_("tenant"), ordering="tenant__name")
    def tenant_column(self, invoice):
        return format_html('{}<br><small class="text-base-500 dark:text-base-400">{}</small>', invoice.tenant.name,
                           invoice.tenant.slug)

    # the words of a Korean tax invoice (품목, 공급받는자), not the shop's "item" and a message's "recipient"
    @display(description=pgettext_lazy("tax invoice", "item"))
    def item_column(self, invoice):
        return invoice.item

    @display(description=pgettext_lazy("tax invoice", "recipient"))
    def recipient_column(self, invoice):
        return invoice.recipient_name

    @display(description=_("batch"))
    def batch_column(self, invoice):
        url = reverse("ops_admin:settlement_settlementbatch_change", args=[invoice.batch_id])
        return format_html('<a href="{}" id="invoice-batch-link">{}</a>', url, period_text(invoice.batch))

    def get_urls(self):
        export = path("export.csv", self.admin_site.admin_view(self.export_csv), name="settlement_taxinvoice_export")
        return [export, *super().get_urls()]

    def export_csv(self, request):
        """The list as filtered (the same query string as the list page)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            invoices = self.listed_rows(request)
        except IncorrectLookupParameters:  # a malformed filter: the list says so
            return redirect(reverse("ops_admin:settlement_taxinvoice_changelist") + "?e=1")
        return csv_stream_response(exports.tax_invoices_csv_stream(invoices),
                                   f"tax-invoices-{timezone.localdate().isoformat()}.csv")

    def changelist_view(self, request, extra_context=None):
        extra = {"export_url": reverse("ops_admin:settlement_taxinvoice_export")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})


admin_navigation(ops_admin, "settlement", model=TaxInvoice, icon="receipt", order=30)
