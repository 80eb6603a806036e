"""Payment providers. The platform talks to one through `PaymentProvider`; the sandbox
provider behaves like a hosted-checkout provider: it has a checkout page, charges saved
payment methods off-session, and reports every outcome by a signed webhook
(Standard Webhooks) to the platform's payments endpoint, never by a direct call."""

from __future__ import annotations

import uuid
from typing import Protocol

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.module_loading import import_string

from apps.core.urls import absolute_url
from apps.inbound.senders import webhook_send_after_commit

# Sandbox test cards: the first succeeds, the others fail with the given reason.
SANDBOX_CARDS = {
    "pm_sandbox_visa": None,
    "pm_sandbox_declined": "card_declined",
    "pm_sandbox_insufficient": "insufficient_funds",
}


class ProviderUnavailable(Exception):
    """The provider could not be reached or refused the request itself (not a decline)."""


class PaymentProvider(Protocol):
    """Called only outside a database transaction: billing commits the payment first and
    never holds a row lock while the provider answers."""

    name: str

    def new_reference(self) -> str: ...

    def checkout_url(self, *, payment) -> str:
        """Where the payer completes the payment (hosted page). May call the provider to
        open a checkout session; raises ProviderUnavailable when it cannot."""

    def charge(self, *, payment, payment_method: str) -> None:
        """Charge a saved method off-session; the outcome arrives by webhook. Raises
        ProviderUnavailable when the charge could not be submitted."""


class SandboxProvider:
    name = "sandbox"

    def new_reference(self) -> str:
        return f"pay_sbx_{uuid.uuid4().hex[:24]}"

    def checkout_url(self, *, payment) -> str:
        # On the public host: it works even while the tenant's own host is suspended.
        path = reverse("billing-sandbox-checkout", args=[payment.reference], urlconf=settings.PUBLIC_SCHEMA_URLCONF)
        return absolute_url(path, host=settings.BASE_DOMAIN)

    def charge(self, *, payment, payment_method: str) -> None:
        self.complete(payment=payment, payment_method=payment_method)

    def complete(self, *, payment, payment_method: str) -> None:
        """Decide the outcome as a card network would and send the signed webhook (after
        commit; the sender is apps.inbound's, shared with the order payments' sandbox)."""
        failure = SANDBOX_CARDS.get(payment_method, "invalid_payment_method")
        data = {"reference": payment.reference, "amount": str(payment.amount), "currency": payment.currency,
                "payment_method": payment_method}
        if failure:
            data["failure_reason"] = failure
        webhook_send_after_commit(url=self.webhook_url(), secret_setting="BILLING_WEBHOOK_SECRET",
                                  event_type="payment.failed" if failure else "payment.succeeded", data=data)

    # Like a real provider's dashboard, the sandbox keeps the registered webhook endpoint
    # (shared by every process through Redis); the setting is the default.
    _ENDPOINT_KEY = "billing:sandbox:webhook_url"

    def webhook_url(self) -> str:
        return (cache.get(self._ENDPOINT_KEY) or settings.BILLING_SANDBOX_WEBHOOK_URL
                or absolute_url(reverse("billing-payments-webhook", urlconf=settings.PUBLIC_SCHEMA_URLCONF),
                                host=settings.BASE_DOMAIN))

    def register_webhook_url(self, url: str) -> None:
        cache.set(self._ENDPOINT_KEY, url, None)


def payment_provider() -> PaymentProvider:
    return import_string(settings.BILLING_PAYMENT_PROVIDER)()
