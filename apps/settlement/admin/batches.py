"""Settlement batches in the ops portal: the list (filters: status, period, cycle, tenant),
a batch's read-only page with its totals, window and lifecycle, its lines as a paginated
list of their own (a batch may hold 100,000), and the moves HQ makes on it (confirm, hold
with a reason, release, pay out with the transfer's reference) through
services.lifecycle; CSV of the filtered list and of a batch's statement (exports).

The buttons follow the batch's state and the person's permissions (apps.accounts.hq);
the services check both again, and a refusal reads as a message, never an error page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from apps.core.admin_filters import DateRangeFilter, SelectedRelatedFilter
from apps.core.admin_mixins import ListedRowsMixin, ReadOnlyAdminMixin, errors_onto, money_column
from apps.core.admin_navigation import admin_navigation, admin_subpage
from apps.core.admin_sites import ops_admin
from apps.core.errors import PlatformError
from apps.core.paginators import EstimatedCountPaginator

from .. import exports, selectors
from ..models import SettlementBatch, SettlementLine
from ..services.lifecycle import batch_confirm
from .moves import FORM_ERRORS, MOVES
from .ops import (
    badge,
    csv_stream_response,
    int_or_zero,
    money,
    period_text,
    person,
    refusal,
)

S = SettlementBatch.Status
STATUS_VARIANTS = {S.DRAFT: "warning", S.CONFIRMED: "primary", S.PAID_OUT: "success", S.HELD: "danger"}


# --- a batch's lines ------------------------------------------------------------------------


def _line_currency(line) -> str:
    return line.batch.currency


@admin.register(SettlementLine, site=ops_admin)
class SettlementLineAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """Opened from a batch's page (`?batch__id__exact=`), a page at a time."""

    empty_help = _("A batch's payments and refunds, as they were settled.")
    list_display = ["at_column", "kind_column", "reference", "order_column", "amount_column", "commission_column",
                    "fee_column", "vat_column", "net_column", "adjustment"]
    list_filter = [("batch", SelectedRelatedFilter), "kind", "adjustment"]
    search_fields = ["reference", "payment_reference"]
    search_help_text = _("A payment's or refund's reference.")
    list_select_related = ["batch__tenant"]
    list_per_page = 100
    paginator = EstimatedCountPaginator  # every line ever settled, unfiltered: PostgreSQL's estimate, not a count
    show_full_result_count = False  # one count of the batch's lines, not of every line ever settled
    list_fullwidth = True
    list_before_template = "settlement/ops/lines_batch.html"
    ordering = ["batch_id", "occurred_at", "kind", "source_id"]  # settlement_line_order_idx, with or without a batch
    fields = readonly_fields = ["batch", "kind_column", "reference", "payment_reference", "order_column",
                                "at_column", "amount_column", "commission_rate", "commission_version",
                                "commission_column", "fee_column", "vat_column", "net_column", "adjustment"]

    amount_column = money_column("amount", _("amount"), _line_currency)
    commission_column = money_column("commission", _("commission"), _line_currency)
    fee_column = money_column("fee", _("payment fee"), _line_currency)
    vat_column = money_column("vat", _("VAT"), _line_currency)
    net_column = money_column("net", _("net"), _line_currency)

    @display(description=_("kind"), ordering="kind")
    def kind_column(self, line):
        return badge(line.get_kind_display(), "success" if line.kind == SettlementLine.Kind.PAYMENT else "danger")

    @display(description=pgettext_lazy("purchase", "order"), ordering="order_number")
    def order_column(self, line):
        return f"#{line.order_number}"

    @display(description=_("at"), ordering="occurred_at")
    def at_column(self, line):
        """In the tenant's time zone: the one its periods close in."""
        return timezone.localtime(line.occurred_at, ZoneInfo(line.batch.tenant.timezone)).strftime("%Y-%m-%d %H:%M")

    def get_actions(self, request):
        return {}

    def changelist_view(self, request, extra_context=None):
        """Titled by the batch it lists, with the way back to it."""
        batch = selectors.batch_get(pk=int_or_zero(request.GET.get("batch__id__exact")))
        extra = {}
        if batch is not None:
            count = batch.payments_count + batch.refunds_count
            extra = {"title": gettext("Lines of %(tenant)s, %(period)s") % {"tenant": batch.tenant.name,
                                                                              "period": period_text(batch)},
                     "lines_batch": batch, "lines_batch_status": badge(batch.get_status_display(),
                                                                       STATUS_VARIANTS.get(batch.status, "")),
                     "lines_batch_url": reverse("ops_admin:settlement_settlementbatch_change", args=[batch.pk]),
                     "lines_batch_count": ngettext("%(count)s line", "%(count)s lines", count) % {
                         "count": f"{count:,}"}}
        return super().changelist_view(request, {**extra, **(extra_context or {})})


def _batch_name(batch) -> str:
    return f"{batch.tenant.slug} {period_text(batch)}"


# --- the batches ------------------------------------------------------------------------------


@admin.register(SettlementBatch, site=ops_admin)
class SettlementBatchAdmin(ListedRowsMixin, ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("What the platform owes each tenant, period by period. Batches are made when a tenant's period "
                   "closes (settlement runs).")
    list_display = ["tenant_column", "period_column", "status_column", "gross_column", "refunds_column",
                    "commission_column", "fees_column", "vat_column", "net_column", "payout_column"]
    list_display_links = ["tenant_column", "period_column"]
    list_filter = ["status", ("period_start", DateRangeFilter.titled(_("period"))), "cycle",
                   ("tenant", SelectedRelatedFilter)]
    search_fields = ["tenant__slug", "tenant__name"]
    search_help_text = _("A tenant's name or address (slug).")
    list_fullwidth = True
    change_list_template = "settlement/ops/change_list_export.html"
    fieldsets = [
        (None, {"fields": ["tenant_column", "period_column", "cycle", "status_column", "window_column", "run",
                           "lines_column"]}),
        (_("Amounts"), {"fields": ["counts_column", "gross_column", "refunds_column", "commission_column",
                                   "fees_column", "vat_column", "net_column", "carried_in_column", "payout_column",
                                   "carried_out_column"]}),
        (_("Lifecycle"), {"fields": ["created_at", "confirmed_at", "confirmed_by_column", "paid_out_at",
                                     "paid_out_by_column", "payout_reference", "hold_reason", "tax_invoice_column"]}),
    ]
    actions = ["confirm_selected"]
    actions_detail = ["confirm_batch", "payout_batch", "hold_batch", "release_batch", "statement_csv"]

    gross_column = money_column("gross", _("gross sales"))
    refunds_column = money_column("refunds", _("refunds"))
    commission_column = money_column("commission", _("commission"))
    fees_column = money_column("fees", _("payment fees"))
    vat_column = money_column("vat", _("VAT"))
    net_column = money_column("net", _("net"))
    carried_in_column = money_column("carried_in", _("carried over"))
    payout_column = money_column("payout", _("payout"))
    carried_out_column = money_column("carried_out", _("carried to next"))

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    def get_queryset(self, request):
        return selectors.batch_list()

    def get_object(self, request, object_id, from_field=None):
        # the page names who confirmed and paid out, and the run that made it
        return (self.get_queryset(request).select_related("confirmed_by", "paid_out_by", "run")
                .filter(pk=int_or_zero(object_id)).first())

    # --- columns -------------------------------------------------------------------------------

    @display(description=_("tenant"), ordering="tenant__name")
    def tenant_column(self, batch):
        return format_html('{}<br><small class="text-base-500 dark:text-base-400">{}</small>', batch.tenant.name,
                           batch.tenant.slug)

    @display(description=_("period"), ordering="period_start")
    def period_column(self, batch):
        return period_text(batch)

    @display(description=_("status"), ordering="status")
    def status_column(self, batch):
        return badge(batch.get_status_display(), STATUS_VARIANTS.get(batch.status, ""))

    @display(description=_("window"))
    def window_column(self, batch):
        """The instants the lines were taken from, in the tenant's time zone (its periods close at its midnight)."""
        zone = ZoneInfo(batch.tenant.timezone)
        end = timezone.localtime(batch.window_end, zone).strftime("%Y-%m-%d %H:%M")
        if batch.window_start is None:
            text = gettext("Everything before %(end)s (the tenant's first batch)") % {"end": end}
        else:
            start = timezone.localtime(batch.window_start, zone).strftime("%Y-%m-%d %H:%M")
            text = gettext("From %(start)s until %(end)s") % {"start": start, "end": end}
        return f"{text} · {batch.tenant.timezone}"

    @display(description=_("payments and refunds"))
    def counts_column(self, batch):
        payments, refunds, adjustments = batch.payments_count, batch.refunds_count, batch.adjustments_count
        parts = [ngettext("%(count)s payment", "%(count)s payments", payments) % {"count": payments},
                 ngettext("%(count)s refund", "%(count)s refunds", refunds) % {"count": refunds}]
        if adjustments:  # refunds of payments settled in an earlier batch
            adjusted = ngettext("%(count)s adjustment", "%(count)s adjustments", adjustments)
            parts.append(adjusted % {"count": adjustments})
        return ", ".join(parts)

    @display(description=_("confirmed by"))
    def confirmed_by_column(self, batch):
        return person(batch.confirmed_by)

    @display(description=_("paid out by"))
    def paid_out_by_column(self, batch):
        return person(batch.paid_out_by)

    @display(description=_("tax invoice"))
    def tax_invoice_column(self, batch):
        invoice = getattr(batch, "tax_invoice", None)
        if invoice is None:
            return gettext("Recorded when the batch is confirmed") if batch.confirmed_at is None else "-"
        url = reverse("ops_admin:settlement_taxinvoice_change", args=[invoice.pk])
        return format_html('<a href="{}" id="tax-invoice-link">{}</a>', url, invoice.number)

    @display(description=_("lines"))
    def lines_column(self, batch):
        count = batch.payments_count + batch.refunds_count
        url = reverse("ops_admin:settlement_settlementline_changelist") + f"?batch__id__exact={batch.pk}"
        return format_html('<a href="{}" id="batch-lines-link">{}</a>', url,
                           ngettext("Open the %(count)s line", "Open the %(count)s lines", count) % {
                               "count": f"{count:,}"})

    # --- who may do what -----------------------------------------------------------------------

    def has_confirm_permission(self, request, object_id=None):
        return request.user.has_perm(MOVES["confirm"].permission)

    def has_payout_permission(self, request, object_id=None):
        return request.user.has_perm(MOVES["payout"].permission)

    def has_hold_permission(self, request, object_id=None):
        return request.user.has_perm(MOVES["hold"].permission)

    def get_actions_detail(self, request, object_id):
        """The moves the batch's state allows (a stale page's move reaches the service, which refuses it)."""
        allowed = super().get_actions_detail(request, object_id)
        batch = SettlementBatch.objects.filter(pk=int_or_zero(object_id)).only("status").first()
        if batch is None:
            return allowed
        names = {f"settlement_settlementbatch_{key}_batch" for key, move in MOVES.items() if not move.possible(batch)}
        return [item for item in allowed if item.action_name not in names]

    # --- moves -----------------------------------------------------------------------------------

    def move_view(self, request, object_id, key: str):
        move = MOVES[key]
        batch = self.get_object(request, str(object_id))
        if batch is None:
            raise Http404
        if not request.user.has_perm(move.permission):
            raise PermissionDenied
        change_url = reverse("ops_admin:settlement_settlementbatch_change", args=[batch.pk])
        form = move.form(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                move.call(batch, request.user, form.cleaned_data)
            except PlatformError as error:
                if error.code not in FORM_ERRORS or not form.fields:  # the state or the person: back to the batch
                    messages.error(request, refusal(error))
                    return redirect(change_url)
                errors_onto(form, error, next(iter(form.fields)))  # a reason or reference the service refused
            else:
                messages.success(request, move.done % {"batch": _batch_name(batch)})
                return redirect(change_url)
        title = gettext("%(action)s: %(tenant)s, %(period)s") % {
            "action": move.title, "tenant": batch.tenant.name, "period": period_text(batch)}
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": batch,
                   "title": title, "form": form, "move": move, "change_url": change_url, "batch": batch,
                   "period": period_text(batch), "status": self.status_column(batch),
                   "amounts": [(_("Net"), money(batch.net, batch.currency)),
                               (_("Payout"), money(batch.payout, batch.currency))]}
        return TemplateResponse(request, "settlement/ops/batch_move.html", context)

    @action(description=_("Confirm"), permissions=["confirm"], icon="check_circle", url_path="confirm")
    def confirm_batch(self, request, object_id):
        return self.move_view(request, object_id, "confirm")

    @action(description=_("Record payout"), permissions=["payout"], icon="account_balance", url_path="payout")
    def payout_batch(self, request, object_id):
        return self.move_view(request, object_id, "payout")

    @action(description=_("Hold"), permissions=["hold"], icon="pause_circle", url_path="hold")
    def hold_batch(self, request, object_id):
        return self.move_view(request, object_id, "hold")

    @action(description=_("Release"), permissions=["hold"], icon="play_circle", url_path="release")
    def release_batch(self, request, object_id):
        return self.move_view(request, object_id, "release")

    @admin.action(description=_("Confirm selected batches"), permissions=["confirm"])
    def confirm_selected(self, request, queryset):
        confirmed = 0
        for batch in queryset.select_related("tenant"):
            try:
                batch_confirm(batch=batch, actor=request.user)
                confirmed += 1
            except PlatformError as error:
                messages.error(request, f"{_batch_name(batch)}: {refusal(error)}")
        if confirmed:
            messages.success(request, ngettext("%(count)s batch confirmed.", "%(count)s batches confirmed.",
                                               confirmed) % {"count": confirmed})

    # --- CSV ---------------------------------------------------------------------------------------

    @action(description=_("Statement CSV"), icon="download", url_path="statement-csv")
    def statement_csv(self, request, object_id):
        batch = self.get_object(request, str(object_id))
        if batch is None or not self.has_view_permission(request, batch):
            raise Http404
        return csv_stream_response(exports.batch_csv_stream(batch),
                                   f"settlement-{batch.tenant.slug}-{batch.period_start.isoformat()}.csv")

    def get_urls(self):
        export = path("export.csv", self.admin_site.admin_view(self.export_csv),
                      name="settlement_settlementbatch_export")
        return [export, *super().get_urls()]

    def export_csv(self, request):
        """The list as filtered (the same query string as the list page)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            batches = self.listed_rows(request)
        except IncorrectLookupParameters:  # a malformed filter: the list says so
            return redirect(reverse("ops_admin:settlement_settlementbatch_changelist") + "?e=1")
        return csv_stream_response(exports.batches_csv_stream(batches),
                                   f"settlement-batches-{timezone.localdate().isoformat()}.csv")

    def changelist_view(self, request, extra_context=None):
        extra = {"export_url": reverse("ops_admin:settlement_settlementbatch_export")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})


admin_navigation(ops_admin, "settlement", model=SettlementBatch, icon="account_balance_wallet", order=10)
admin_subpage(ops_admin, SettlementLine)
