"""CSV exports of settlement (tenant statements, HQ's lists, tax invoices). Text cells go
through core's csv_safe (a cell a spreadsheet would run as a formula is quoted); amounts
are written as integers in the currency's minor unit (a refund's are negative). Each one
streams: its header before any row is read, then the rows EXPORT_CHUNK at a time from one
server-side cursor (core.streaming), written in blocks as they come (core.renderers.csv_lines),
so a statement of 100,000 lines takes the memory of one chunk."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.core.csvsafe import csv_safe
from apps.core.renderers import csv_lines
from apps.core.streaming import rows_streamed

from .models import SettlementBatch, SettlementLine, TaxInvoice
from .selectors import batch_lines

EXPORT_CHUNK = 2000  # rows per fetch from the server-side cursor


def _text(value) -> str:
    return csv_safe(value)


def batch_csv_stream(batch: SettlementBatch) -> Iterator[str]:
    """A batch's statement: one row per line (read EXPORT_CHUNK at a time, written in blocks
    as they come), then its totals; the header first, before the lines are read. The
    header's language is the reader's."""
    kinds = dict(SettlementLine.Kind.choices)
    header = [_("Date"), _("Kind"), _("Reference"), _("Payment"), _("Order"), _("Amount"), _("Commission rate (%)"),
              _("Commission"), _("Payment fee"), _("VAT"), _("Net"), _("Adjustment")]
    rows = ([line.occurred_at.isoformat(), _text(kinds[line.kind]), _text(line.reference),
             _text(line.payment_reference), line.order_number, line.amount, line.commission_rate, line.commission,
             line.fee, line.vat, line.net, _("yes") if line.adjustment else ""]
            for line in rows_streamed(batch_lines(batch=batch), chunk_size=EXPORT_CHUNK))
    yield from csv_lines(header, rows)
    totals = [(_("Gross sales"), batch.gross), (_("Refunds"), -batch.refunds), (_("Commission"), batch.commission),
              (_("Payment fees"), batch.fees), (_("VAT on commission"), batch.vat), (_("Net"), batch.net),
              (_("Carried over"), batch.carried_in), (_("Payout"), batch.payout),
              (_("Carried to next"), batch.carried_out)]
    yield from csv_lines(None, [[], *(["", _text(label), "", "", "", value] for label, value in totals)])


def batches_csv_stream(batches: QuerySet[SettlementBatch]) -> Iterator[str]:
    """HQ's list of batches (the queryset as filtered, its tenant joined), streamed as
    `batch_csv_stream` is."""
    statuses = dict(SettlementBatch.Status.choices)
    header = [_("Tenant"), _("Period start"), _("Period end"), _("Status"), _("Currency"), _("Payments"),
              _("Refunds"), _("Gross sales"), _("Refunds amount"), _("Commission"), _("Payment fees"),
              _("VAT on commission"), _("Net"), _("Carried over"), _("Payout"), _("Carried to next"),
              _("Payout reference")]
    rows = ([_text(batch.tenant.slug), batch.period_start.isoformat(), batch.period_end.isoformat(),
             _text(statuses[batch.status]), batch.currency, batch.payments_count, batch.refunds_count, batch.gross,
             batch.refunds, batch.commission, batch.fees, batch.vat, batch.net, batch.carried_in, batch.payout,
             batch.carried_out, _text(batch.payout_reference)]
            for batch in rows_streamed(batches.select_related("tenant"), chunk_size=EXPORT_CHUNK))
    return csv_lines(header, rows)


def tax_invoices_csv_stream(invoices: QuerySet[TaxInvoice]) -> Iterator[str]:
    """The tax invoices (the queryset as filtered), streamed as `batch_csv_stream` is."""
    header = [_("Number"), _("Issue date"), _("Supplier"), _("Supplier's registration number"), _("Recipient"),
              _("Recipient's registration number"), _("Recipient's e-mail"), _("Item"), _("Supply amount"),
              _("VAT"), _("Total"), _("Currency")]
    rows = ([_text(invoice.number), invoice.issue_date.isoformat(), _text(invoice.supplier_name),
             _text(invoice.supplier_business_number), _text(invoice.recipient_name),
             _text(invoice.recipient_business_number), _text(invoice.recipient_email), _text(invoice.item),
             invoice.supply_amount, invoice.vat, invoice.total, invoice.currency]
            for invoice in rows_streamed(invoices, chunk_size=EXPORT_CHUNK))
    return csv_lines(header, rows)
