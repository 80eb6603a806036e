"""The payment provider's webhooks (source "payments"), verified and stored by apps.inbound."""

from django.utils.translation import gettext_lazy as _

from apps.inbound.registry import inbound_handler, inbound_source

from .payments import payment_failed, payment_succeeded

SOURCE = "payments"
inbound_source(SOURCE, label=_("Payment provider"))


@inbound_handler(SOURCE, "payment.succeeded", label=_("Payment succeeded"))
def handle_payment_succeeded(event) -> None:
    payment_succeeded(reference=str(event.data["reference"]), payment_method=str(event.data.get("payment_method", "")))


@inbound_handler(SOURCE, "payment.failed", label=_("Payment failed"))
def handle_payment_failed(event) -> None:
    payment_failed(reference=str(event.data["reference"]), reason=str(event.data.get("failure_reason", "")))
