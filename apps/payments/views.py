"""The sandbox merchant provider's hosted checkout page (what a real gateway hosts on its
own domain; here on the platform's public host). It shows what the merchant asked the
provider to collect, from the provider's own ledger, and on a test card's submission
decides and reports the outcome by signed webhook."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from apps.core.money import Money

from . import sandbox
from .providers import SandboxMerchantProvider, merchant_provider

FAILURES = {
    "card_declined": _("The card was declined. No money was taken."),
    "insufficient_funds": _("The card does not have enough funds. No money was taken."),
}


@require_http_methods(["GET", "POST"])
def sandbox_checkout_page(request, reference: str):
    provider = merchant_provider()
    if not isinstance(provider, SandboxMerchantProvider):  # only while the sandbox is the provider
        raise Http404
    entry = sandbox.session(reference)
    if entry is None:
        raise Http404
    if request.method == "POST" and entry["status"] == "ready" and request.POST.get("card") in sandbox.CARDS:
        entry = provider.complete(reference=reference, card=request.POST["card"]) or sandbox.session(reference)
    return render(request, "payments/sandbox_checkout.html", {
        "entry": entry, "amount": Money(entry["amount"], entry["currency"]).format(),
        "cards": list(sandbox.CARDS.values()),
        "failure": FAILURES.get(entry["failure"], _("The payment failed. No money was taken.")),
    })
