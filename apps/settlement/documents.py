"""A settlement batch as the tenant's statement, shared by the API and the tenant admin:

- what a statement shows (`statement_totals`, `line_rows`, `statement_context`), money as
  text in the reader's language (apps.core.money);
- the downloads: the whole statement as CSV (exports.batch_csv_stream, streamed: a batch
  can have 100,000 lines) and the printable statement (templates/settlement/statement.html)
  rendered to PDF by WeasyPrint, as apps.billing.owner.documents renders invoices.

Both downloads are written in the workspace's language and time zone (its settings),
whoever downloads them: they are the business's records, like the tax invoice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from apps.core.money import Money, format_amount
from apps.workspace.services import workspace_settings_get

from .errors import StatementPdfUnavailable
from .exports import batch_csv_stream
from .models import SettlementBatch, SettlementLine, TaxInvoice
from .selectors import batch_lines

TEMPLATE = "settlement/statement.html"
# Lines printed on the PDF; past that it would be a book nobody prints (and minutes of
# rendering): the PDF says how many more there are, the CSV has every one.
PDF_LINES = 500


def money(amount: int, currency: str) -> str:
    """An amount in the currency's minor unit as people read it ("₩22,000", "-₩3,000")."""
    return Money(int(amount), currency).format()


def tax_invoice_number(batch: SettlementBatch) -> str:
    try:
        return batch.tax_invoice.number
    except TaxInvoice.DoesNotExist:
        return ""


def period_last_day(batch: SettlementBatch) -> dt.date:
    """The period's last day (batches store the first day after it)."""
    return batch.period_end - dt.timedelta(days=1)


def statement_totals(batch: SettlementBatch) -> list[dict]:
    """The totals as a statement reads them, from the sales down to the payout: each row is
    what it adds to or takes from the payout (so that they add up), the carried balances
    only when there are any."""
    rows = [("gross", _("Gross sales"), batch.gross, ""), ("refunds", _("Refunds"), -batch.refunds, ""),
            ("commission", _("Commission"), -batch.commission, ""), ("fees", _("Payment fees"), -batch.fees, ""),
            ("vat", _("VAT on commission"), -batch.vat, ""), ("net", _("Net sales"), batch.net, "subtotal")]
    if batch.carried_in:
        rows.append(("carried_in", _("Negative balance from the previous statement"), batch.carried_in, ""))
    if batch.carried_out:
        rows.append(("carried_out", _("Negative balance carried to the next statement"), -batch.carried_out, ""))
    rows.append(("payout", _("Payout"), batch.payout, "grand"))
    return [{"key": key, "label": label, "value": value, "amount": money(value, batch.currency), "style": style}
            for key, label, value, style in rows]


def line_rows(lines: Iterable[SettlementLine], currency: str) -> list[dict]:
    kinds = dict(SettlementLine.Kind.choices)
    return [{"line": line, "at": line.occurred_at, "kind": line.kind, "kind_label": kinds[line.kind],
             "adjustment": line.adjustment, "reference": line.reference, "payment_reference": line.payment_reference,
             "order": line.order_number, "rate": f"{format_amount(line.commission_rate.normalize())}%",
             "amount": money(line.amount, currency), "commission": money(line.commission, currency),
             "fee": money(line.fee, currency), "vat": money(line.vat, currency), "net": money(line.net, currency)}
            for line in lines]


def parties(tenant) -> dict:
    """Who settles (the platform, settings.BILLING_ISSUER) and with whom (the workspace's
    legal name and registration number from its settings); empty parts left out."""
    with schema_context(tenant.schema_name):
        workspace = workspace_settings_get()
    recipient = {"name": workspace.legal_name or workspace.display_name or tenant.name,
                 "business_number": workspace.business_number, "address": workspace.address,
                 "email": workspace.contact_email}
    return {"issuer": {key: value for key, value in settings.BILLING_ISSUER.items() if value},
            "recipient": {key: value for key, value in recipient.items() if value},
            "language": workspace.language, "time_zone": tenant.timezone}  # the zone periods close in


def statement_context(batch: SettlementBatch, *, who: dict, lines: Iterable[SettlementLine] = ()) -> dict:
    """What the statement pages show (the admin's and the PDF's): the batch, the parties
    (`who`, from `parties`), the totals and `lines` as rows, in the active language."""
    return {"batch": batch, "period_start": batch.period_start, "period_last": period_last_day(batch),
            "status_label": batch.get_status_display(), "cycle_label": batch.get_cycle_display(),
            "tax_invoice": tax_invoice_number(batch), "totals": statement_totals(batch),
            "lines": line_rows(lines, batch.currency), "lines_count": batch.payments_count + batch.refunds_count,
            "counts": {"payments": format_amount(batch.payments_count), "refunds": format_amount(batch.refunds_count),
                       "adjustments": format_amount(batch.adjustments_count) if batch.adjustments_count else "",
                       "lines": format_amount(batch.payments_count + batch.refunds_count)},
            **who}


def _language(code: str) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # a zone this machine does not know
        return ZoneInfo(settings.TIME_ZONE)


def filename(batch: SettlementBatch, tenant, extension: str) -> str:
    return f"settlement-{tenant.slug}-{batch.period_start:%Y-%m-%d}.{extension}"


def statement_html(batch: SettlementBatch, *, tenant) -> str:
    """The printable statement (A4) in the workspace's language and time zone, with the
    first PDF_LINES lines."""
    lines = list(batch_lines(batch=batch)[:PDF_LINES])
    who = parties(tenant)
    with translation.override(_language(who["language"])), timezone.override(zone(who["time_zone"])):
        context = statement_context(batch, who=who, lines=lines)
        context.update(generated_at=timezone.now(), language=translation.get_language(),
                       lines_more=max(context["lines_count"] - len(lines), 0), lines_shown=format_amount(len(lines)))
        return render_to_string(TEMPLATE, context)


def statement_pdf(batch: SettlementBatch, *, tenant) -> bytes:
    """`statement_html` as a PDF. The page loads nothing from outside, so the renderer
    fetches nothing either."""
    try:  # heavy (Pango, fonts): loaded when a PDF is asked for
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:  # Pango missing here (make run and the image install it)
        raise StatementPdfUnavailable() from error

    html = statement_html(batch, tenant=tenant)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


def _in_language(language: str, rows: Iterator[str]) -> Iterator[str]:
    # The rows are made while the response streams, after the view has returned: the
    # language is set here, around them.
    with translation.override(language):
        yield "\ufeff"  # spreadsheets read UTF-8 (Korean) only after a byte-order mark
        yield from rows


def csv_response(batch: SettlementBatch, *, tenant) -> StreamingHttpResponse:
    """Every line of the statement, then its totals, streamed (exports.batch_csv_stream)."""
    with schema_context(tenant.schema_name):
        language = _language(workspace_settings_get().language)
    response = StreamingHttpResponse(_in_language(language, batch_csv_stream(batch)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(batch, tenant, "csv")}"'
    return response


def pdf_response(batch: SettlementBatch, *, tenant) -> HttpResponse:
    response = HttpResponse(statement_pdf(batch, tenant=tenant), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(batch, tenant, "pdf")}"'
    return response
