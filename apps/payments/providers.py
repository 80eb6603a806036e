"""The merchant payment provider: how a workspace (the merchant) collects an order's
payment from a consumer and refunds it. Shaped after the Korean gateways: PortOne V2
(a payment prepared under our own id, paid on the gateway's hosted checkout, reported by
a signed webhook; statuses ready / paid / partial_cancelled / cancelled / failed) and
Toss Payments (a synchronous cancel of `cancelAmount`, keyed for idempotency).

Called only outside a database transaction: payments commits what it decided first and
never holds a row lock while the provider answers (apps.payments.services)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.module_loading import import_string

from apps.core.money import Money
from apps.core.urls import absolute_url
from apps.inbound.senders import webhook_send_after_commit
from apps.rbac.tenancy import current_tenant

from . import sandbox

WEBHOOK_SOURCE = "merchant_payments"


@dataclass(frozen=True)
class ProviderRefund:
    id: str  # the provider's refund (cancellation) id
    status: str  # "succeeded": Toss-like providers answer a cancel at once


class MerchantProvider(Protocol):
    name: str

    def new_reference(self) -> str:
        """Our id for a new payment at the provider (PortOne's paymentId)."""

    def prepare(self, payment) -> str:
        """Register the payment with the provider; the URL of its hosted checkout. Raises
        ProviderError / ProviderUnavailable."""

    def cancel(self, payment, amount: int, reason: str, refund_key: str) -> ProviderRefund:
        """Refund `amount` of a captured payment now; the same `refund_key` never refunds
        twice. Raises ProviderError when the provider refuses, ProviderUnavailable when
        it cannot be reached."""

    def fee_for(self, payment) -> int:
        """The provider's fee on the captured payment, in minor units."""

    def settlement_file(self, *, merchant: str, start: dt.datetime, end: dt.datetime) -> str:
        """The provider's settlement file (정산 파일) of the merchant's transactions in
        [start, end): a CSV with a header row of SETTLEMENT_FILE_COLUMNS, then one row
        per approval (PAY) and per cancel (CANCEL). Raises ProviderUnavailable."""


# The settlement file's columns, as Korean gateways' files have them: the row type (PAY, an
# approval; CANCEL, a cancel), the payment id (ours at the provider), the cancel id (the
# provider's refund id; empty on a PAY), the transaction time (ISO 8601 with its offset,
# in KST), the currency, the amount (negative on a CANCEL), the provider's fee (0 on a
# CANCEL: the fee of a cancelled approval is not given back) and the amount settled
# (amount - fee).
SETTLEMENT_FILE_COLUMNS = ("type", "payment_id", "cancel_id", "transacted_at", "currency", "amount", "fee",
                           "settle_amount")
SETTLEMENT_FILE_TIME_ZONE = ZoneInfo("Asia/Seoul")


class SandboxMerchantProvider:
    """A gateway double: its hosted checkout page on the platform's public host
    (apps.payments.views), its own ledger (apps.payments.sandbox) and signed webhooks
    to the platform's inbound endpoint, sent by a Celery worker after commit."""

    name = "sandbox"

    def new_reference(self) -> str:
        return f"ord_sbx_{uuid.uuid4().hex[:24]}"

    def prepare(self, payment) -> str:
        tenant = current_tenant()  # the merchant: payments live in its schema
        sandbox.session_open(reference=payment.reference, merchant=tenant.slug, merchant_name=tenant.name,
                             order_number=payment.order.number, amount=payment.amount, currency=payment.currency)
        # On the public host, like a gateway's own domain.
        path = reverse("payments-sandbox-checkout", args=[payment.reference], urlconf=settings.PUBLIC_SCHEMA_URLCONF)
        return absolute_url(path, host=settings.BASE_DOMAIN)

    def cancel(self, payment, amount: int, reason: str, refund_key: str) -> ProviderRefund:
        refund_id = sandbox.session_cancel(reference=payment.reference, amount=amount, refund_key=refund_key)
        return ProviderRefund(id=refund_id, status="succeeded")

    def fee_for(self, payment) -> int:
        return Money(payment.amount, payment.currency).percent(settings.PAYMENTS_SANDBOX_FEE_RATE).amount

    def settlement_file(self, *, merchant: str, start: dt.datetime, end: dt.datetime) -> str:
        """From the sandbox's own books (its index by time), never from the platform's."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(SETTLEMENT_FILE_COLUMNS)
        for item in sandbox.booked(merchant=merchant, start=start, end=end):
            amount = item.amount if item.kind == "pay" else -item.amount
            writer.writerow(["PAY" if item.kind == "pay" else "CANCEL", item.reference, item.refund_id,
                             item.at.astimezone(SETTLEMENT_FILE_TIME_ZONE).isoformat(timespec="seconds"),
                             item.currency, amount, item.fee, amount - item.fee])
        return out.getvalue()

    def complete(self, *, reference: str, card: str) -> dict | None:
        """The payer submitted a test card: the sandbox decides as a card network would
        and reports it by webhook (after commit). None when there was nothing to pay."""
        entry = sandbox.session_pay(reference=reference, card=card)
        if entry is None:
            return None
        data = {"merchant": entry["merchant"], "payment_id": reference, "amount": entry["amount"],
                "currency": entry["currency"], "method": "card"}
        if entry["failure"]:
            data["failure_reason"] = entry["failure"]
        webhook_send_after_commit(url=self.webhook_url(), secret_setting="PAYMENTS_WEBHOOK_SECRET",
                                  event_type="Transaction.Failed" if entry["failure"] else "Transaction.Paid",
                                  data=data)
        return entry

    # Like a gateway's console, the sandbox keeps the registered webhook endpoint (in
    # Redis, for every process); by default the platform's own, on the public host.
    _ENDPOINT_KEY = "payments:sandbox:webhook_url"

    def webhook_url(self) -> str:
        return cache.get(self._ENDPOINT_KEY) or absolute_url(
            reverse("payments-merchant-webhook", urlconf=settings.PUBLIC_SCHEMA_URLCONF), host=settings.BASE_DOMAIN)

    def register_webhook_url(self, url: str) -> None:
        cache.set(self._ENDPOINT_KEY, url, None)


def merchant_provider() -> MerchantProvider:
    return import_string(settings.PAYMENTS_PROVIDER)()
