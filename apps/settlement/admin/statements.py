"""The workspace's settlement statements in its admin (Billing > Settlements), read-only
and for the workspace owner only, as the billing pages are (apps.billing.admin.common.
OwnerOnly: nobody else sees the page or its sidebar item; they answer 403):

- the list of its batches, newest period first, with the money as people read it;
- a batch: what was sold, what was taken (commission, payment fees, VAT) and the payout,
  its lines page by page (a batch can hold 100,000), and the downloads: the whole
  statement as CSV and the printable statement as PDF (apps.settlement.documents, the
  same files as the API's).
Every read is scoped to the host's workspace: another workspace's batch is not found."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from apps.billing.admin.common import OwnerOnly
from apps.core.admin_mixins import ReadOnlyAdminMixin, money_column
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError

from .. import documents, selectors
from ..models import SettlementBatch

S = SettlementBatch.Status
LINES_PER_PAGE = 50


class TenantStatementAdmin(OwnerOnly, ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("Your settlement statements appear here after each settlement period closes: what you sold, the "
                   "platform's commission, payment fees and VAT, and what is paid out to you.")
    list_display = ["period", "status_label", "gross_amount", "refunds_amount", "commission_amount", "fees_amount",
                    "vat_amount", "net_amount", "payout_amount"]
    list_display_links = ["period"]
    list_filter = ["status"]
    list_per_page = 25
    ordering = ["-period_start"]

    gross_amount = money_column("gross", _("gross sales"))
    refunds_amount = money_column("refunds", _("refunds"))
    commission_amount = money_column("commission", _("commission"))
    fees_amount = money_column("fees", _("payment fees"))
    vat_amount = money_column("vat", _("VAT"))
    net_amount = money_column("net", _("net sales"))
    payout_amount = money_column("payout", _("payout"))

    def get_queryset(self, request):
        return selectors.batch_list(tenant=request.tenant)

    @display(description=_("period"), ordering="period_start")
    def period(self, batch):
        return (f"{formats.date_format(batch.period_start, 'SHORT_DATE_FORMAT')} – "
                f"{formats.date_format(documents.period_last_day(batch), 'SHORT_DATE_FORMAT')}")

    @display(description=_("status"), ordering="status",
             label={S.DRAFT: "warning", S.CONFIRMED: "info", S.PAID_OUT: "success", S.HELD: "danger"})
    def status_label(self, batch):
        return batch.status, batch.get_status_display()

    def get_urls(self):
        site, info = self.admin_site, f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<int:object_id>/change/", site.admin_view(self.detail_view), name=f"{info}_change"),
            path("<int:object_id>/csv/", site.admin_view(self.csv_view), name=f"{info}_csv"),
            path("<int:object_id>/pdf/", site.admin_view(self.pdf_view), name=f"{info}_pdf"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": gettext("Settlements"), **(extra_context or {})})

    def _batch(self, request, object_id) -> SettlementBatch | None:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return selectors.batch_get(pk=object_id, tenant=request.tenant)

    def detail_view(self, request, object_id):
        batch = self._batch(request, object_id)
        if batch is None:  # another workspace's, or none: as Django's admin answers a missing object
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(object_id))
        tenant = request.tenant
        page = Paginator(selectors.batch_lines(batch=batch), LINES_PER_PAGE).get_page(request.GET.get("page"))
        who = documents.parties(tenant)
        context = documents.statement_context(batch, who=who, lines=page.object_list)
        title = gettext("Settlement statement %(start)s – %(end)s") % {
            "start": formats.date_format(batch.period_start, "DATE_FORMAT"),
            "end": formats.date_format(documents.period_last_day(batch), "DATE_FORMAT")}
        context.update(self.admin_site.each_context(request), title=title, content_title=title, page=page,
                       csv_url=reverse("tenant_admin:settlement_settlementbatch_csv", args=[batch.pk]),
                       pdf_url=reverse("tenant_admin:settlement_settlementbatch_pdf", args=[batch.pk]),
                       list_url=reverse("tenant_admin:settlement_settlementbatch_changelist"),
                       time_zone=who["time_zone"])
        # times as the workspace lives them: its periods close at its midnight
        with timezone.override(documents.zone(who["time_zone"])):
            response = TemplateResponse(request, "settlement/tenant/statement_detail.html", context)
            response.render()
        return response

    def csv_view(self, request, object_id):
        batch = self._batch(request, object_id)
        if batch is None:
            raise Http404
        return documents.csv_response(batch, tenant=request.tenant)

    def pdf_view(self, request, object_id):
        batch = self._batch(request, object_id)
        if batch is None:
            raise Http404
        try:
            return documents.pdf_response(batch, tenant=request.tenant)
        except PlatformError as refusal:  # no PDF renderer on this server: say so on the page
            messages.error(request, refusal.message)
            return redirect("tenant_admin:settlement_settlementbatch_change", batch.pk)


tenant_admin.register(SettlementBatch, TenantStatementAdmin)
admin_navigation(tenant_admin, "billing", model=SettlementBatch, title=_("Settlements"), icon="account_balance",
                 order=15)
