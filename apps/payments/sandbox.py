"""The sandbox merchant provider's own books: what it was asked to collect, what it
captured, what it refunded. A real gateway checks a cancel against its own records, not
the merchant's; so does the sandbox, or a refund bug of ours would be approved by a
provider reading our own numbers back. Its ledger lives in Redis (the cache), shared by
the web processes and the workers, one entry per payment, changed under a per-payment
lock (refunds of one payment may arrive at once: the platform calls the provider outside
its own row locks)."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from .errors import ProviderError, ProviderUnavailable


@dataclass(frozen=True)
class SandboxCard:
    key: str
    label: str
    failure: str = ""  # the decline reason; empty: the payment succeeds
    refunds_fail: bool = False


# The test cards of the hosted checkout page, as a gateway's docs list them.
CARDS = {card.key: card for card in (
    SandboxCard("card_success", _("Test card that pays")),
    SandboxCard("card_declined", _("Test card that is declined"), failure="card_declined"),
    SandboxCard("card_insufficient_funds", _("Test card without enough funds"), failure="insufficient_funds"),
    SandboxCard("card_refund_fails", _("Test card that pays, but whose refunds the provider refuses"),
                refunds_fail=True),
)}

_TIMEOUT = None  # kept until deleted: refunds may come months after the payment


def _key(reference: str) -> str:
    return f"payments:sandbox:{reference}"


@contextmanager
def _locked(reference: str):
    """The entry's lock; the sandbox's own store failing is the provider being down."""
    try:
        with cache.lock(f"payments:sandbox:lock:{reference}", timeout=10, blocking_timeout=10):
            yield
    except (RedisError, ConnectionInterrupted) as exc:
        raise ProviderUnavailable(details={"reason": type(exc).__name__}) from exc


def session_open(*, reference: str, merchant: str, merchant_name: str, order_number: int, amount: int,
                 currency: str) -> None:
    """The checkout the merchant asked for (PortOne's "prepare"): what the page shows."""
    with _locked(reference):
        entry = cache.get(_key(reference))
        if entry is not None and entry["status"] != "ready":
            return
        cache.set(_key(reference), {
            "reference": reference, "merchant": merchant, "merchant_name": merchant_name,
            "order_number": order_number, "amount": amount, "currency": currency, "status": "ready",
            "card": "", "failure": "", "refunded": 0, "refunds": {},
        }, _TIMEOUT)


def session(reference: str) -> dict | None:
    try:
        return cache.get(_key(reference))
    except ConnectionInterrupted as exc:
        raise ProviderUnavailable(details={"reason": type(exc).__name__}) from exc


def session_pay(*, reference: str, card: str) -> dict | None:
    """The payer submitted `card` on the hosted page: captured or declined, once. Returns
    the entry as decided, or None when there is nothing (more) to pay."""
    chosen = CARDS[card]
    with _locked(reference):
        entry = cache.get(_key(reference))
        if entry is None or entry["status"] != "ready":
            return None
        entry.update(card=card, status="failed" if chosen.failure else "paid", failure=chosen.failure)
        cache.set(_key(reference), entry, _TIMEOUT)
    return entry


def session_cancel(*, reference: str, amount: int, refund_key: str) -> str:
    """Refund `amount` of a captured payment (Toss' cancel with cancelAmount); the same
    `refund_key` again returns the same refund. Raises ProviderError when refused."""
    with _locked(reference):
        entry = cache.get(_key(reference))
        if entry is None:
            raise ProviderError.refused("unknown_payment", reference=reference)
        done = entry["refunds"].get(refund_key)
        if done is not None:
            if done["amount"] != amount:
                raise ProviderError.refused("refund_key_reused", reference=reference)
            return done["id"]
        if entry["status"] not in ("paid", "partial_cancelled"):
            raise ProviderError.refused("not_paid", reference=reference)
        if CARDS[entry["card"]].refunds_fail:
            raise ProviderError.refused("refund_rejected_by_issuer", reference=reference)
        left = entry["amount"] - entry["refunded"]
        if amount < 1 or amount > left:
            raise ProviderError.refused("amount_exceeds_cancellable", reference=reference, cancellable=left)
        refund_id = f"rf_sbx_{uuid.uuid4().hex[:24]}"
        entry["refunds"][refund_key] = {"id": refund_id, "amount": amount}
        entry["refunded"] += amount
        entry["status"] = "cancelled" if entry["refunded"] == entry["amount"] else "partial_cancelled"
        cache.set(_key(reference), entry, _TIMEOUT)
    return refund_id
