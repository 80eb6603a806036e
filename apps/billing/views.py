"""The invoice's pay page on the public host: where the pay link in billing e-mails
leads. Opening it shows the invoice and writes nothing (mail scanners open links too);
the owner's click on "Pay" starts the provider's checkout and goes there."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from apps.core.errors import PlatformError

from .models import Invoice
from .paylinks import invoice_for_pay_token
from .payments import invoice_checkout


@require_http_methods(["GET", "POST"])
def pay_page(request, token: str):
    invoice = invoice_for_pay_token(token)
    if invoice is None:
        raise Http404
    error = None
    if request.method == "POST" and invoice.status == Invoice.Status.OPEN:
        try:
            _payment, url = invoice_checkout(invoice=invoice)
        except PlatformError as exc:
            error = exc.message
            invoice.refresh_from_db()
        else:
            return redirect(url)
    with translation.override(invoice.tenant.locale or settings.LANGUAGE_CODE):
        return render(request, "billing/pay.html", {"invoice": invoice, "error": error})
