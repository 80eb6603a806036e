"""The sandbox provider's hosted checkout page (what a real provider hosts itself)."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .models import Payment
from .providers import SANDBOX_CARDS, SandboxProvider, payment_provider


@require_http_methods(["GET", "POST"])
def checkout_page(request, reference: str):
    if not isinstance(payment_provider(), SandboxProvider):  # only while the sandbox is the provider
        raise Http404
    payment = (Payment.objects.select_related("invoice", "invoice__tenant")
               .filter(reference=reference, provider="sandbox").first())
    if payment is None or payment.off_session:
        raise Http404
    submitted = False
    if request.method == "POST" and payment.status == Payment.Status.PENDING:
        card = request.POST.get("card", "")
        if card in SANDBOX_CARDS:
            payment_provider().complete(payment=payment, payment_method=card)
            submitted = True
    return render(request, "billing/sandbox_checkout.html",
                  {"payment": payment, "cards": list(SANDBOX_CARDS), "submitted": submitted})
