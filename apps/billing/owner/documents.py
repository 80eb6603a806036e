"""An invoice as a document: the printable A4 page (print CSS; the browser's "Save as
PDF" works on it) and the same page rendered to a PDF file by WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from ..errors import PdfUnavailable
from ..models import Invoice
from ..paylinks import pay_url
from .summary import invoice_document

PRINT_TEMPLATE = "billing/owner/invoice_print.html"


def print_context(invoice: Invoice, request, *, pdf: bool = False) -> dict:
    return {**invoice_document(invoice), "pdf": pdf, "language": translation.get_language(),
            "pay_url": pay_url(invoice) if invoice.status == Invoice.Status.OPEN else "",
            "detail_url": reverse("tenant_admin:billing_invoice_change", args=[invoice.pk]),
            "pdf_url": reverse("tenant_admin:billing_invoice_pdf", args=[invoice.pk])}


def invoice_pdf(invoice: Invoice, request) -> bytes:
    """The printable page as a PDF (A4). The page loads nothing from outside, so the
    renderer fetches nothing either."""
    try:  # heavy (Pango, fonts): loaded when a PDF is asked for
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:  # Pango missing here (make run and the image install it)
        raise PdfUnavailable() from error

    html = render_to_string(PRINT_TEMPLATE, print_context(invoice, request, pdf=True), request=request)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
