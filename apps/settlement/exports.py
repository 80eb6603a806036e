"""CSV exports of settlement (tenant statements, HQ's lists, tax invoices). Text cells go
through core's csv_safe (a cell a spreadsheet would run as a formula is quoted); amounts
are written as integers in the currency's minor unit (a refund's are negative)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from apps.core.csvsafe import csv_safe

from .models import SettlementBatch, SettlementLine, TaxInvoice
from .selectors import batch_lines


def _text(value) -> str:
    return csv_safe(value)


def _write(header: list, rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


class _Echo:
    """A file for csv.writer that hands each row back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def batch_csv_stream(batch: SettlementBatch) -> Iterator[str]:
    """`batch_csv` a row at a time (the lines read 2,000 at a time), for a download that
    streams a statement of any size instead of building it in memory."""
    writer = csv.writer(_Echo())
    kinds = dict(SettlementLine.Kind.choices)
    yield writer.writerow([_("Date"), _("Kind"), _("Reference"), _("Payment"), _("Order"), _("Amount"),
                           _("Commission rate (%)"), _("Commission"), _("Payment fee"), _("VAT"), _("Net"),
                           _("Adjustment")])
    for line in batch_lines(batch=batch).iterator(chunk_size=2000):
        yield writer.writerow([line.occurred_at.isoformat(), _text(kinds[line.kind]), _text(line.reference),
                               _text(line.payment_reference), line.order_number, line.amount, line.commission_rate,
                               line.commission, line.fee, line.vat, line.net, _("yes") if line.adjustment else ""])
    totals = [(_("Gross sales"), batch.gross), (_("Refunds"), -batch.refunds), (_("Commission"), batch.commission),
              (_("Payment fees"), batch.fees), (_("VAT on commission"), batch.vat), (_("Net"), batch.net),
              (_("Carried over"), batch.carried_in), (_("Payout"), batch.payout),
              (_("Carried to next"), batch.carried_out)]
    yield writer.writerow([])
    for label, value in totals:
        yield writer.writerow(["", _text(label), "", "", "", value])


def batch_csv(batch: SettlementBatch) -> str:
    """A batch's statement: one row per line, then its totals (the header's language is the reader's)."""
    return "".join(batch_csv_stream(batch))


def batches_csv(batches: Iterable[SettlementBatch]) -> str:
    """HQ's list of batches (the queryset as filtered)."""
    statuses = dict(SettlementBatch.Status.choices)
    header = [_("Tenant"), _("Period start"), _("Period end"), _("Status"), _("Currency"), _("Payments"),
              _("Refunds"), _("Gross sales"), _("Refunds amount"), _("Commission"), _("Payment fees"),
              _("VAT on commission"), _("Net"), _("Carried over"), _("Payout"), _("Carried to next"),
              _("Payout reference")]
    rows = ([_text(batch.tenant.slug), batch.period_start.isoformat(), batch.period_end.isoformat(),
             _text(statuses[batch.status]), batch.currency, batch.payments_count, batch.refunds_count, batch.gross,
             batch.refunds, batch.commission, batch.fees, batch.vat, batch.net, batch.carried_in, batch.payout,
             batch.carried_out, _text(batch.payout_reference)] for batch in batches)
    return _write(header, rows)


def tax_invoices_csv(invoices: Iterable[TaxInvoice]) -> str:
    header = [_("Number"), _("Issue date"), _("Supplier"), _("Supplier's registration number"), _("Recipient"),
              _("Recipient's registration number"), _("Recipient's e-mail"), _("Item"), _("Supply amount"),
              _("VAT"), _("Total"), _("Currency")]
    rows = ([_text(invoice.number), invoice.issue_date.isoformat(), _text(invoice.supplier_name),
             _text(invoice.supplier_business_number), _text(invoice.recipient_name),
             _text(invoice.recipient_business_number), _text(invoice.recipient_email), _text(invoice.item),
             invoice.supply_amount, invoice.vat, invoice.total, invoice.currency] for invoice in invoices)
    return _write(header, rows)
