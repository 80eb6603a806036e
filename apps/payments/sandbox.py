"""The sandbox merchant provider's own books: what it was asked to collect, what it
captured, what it refunded. A real gateway checks a cancel against its own records, not
the merchant's; so does the sandbox, or a refund bug of ours would be approved by a
provider reading our own numbers back. Its ledger lives in Redis (the cache), shared by
the web processes and the workers, one entry per payment, changed under a per-payment
lock (refunds of one payment may arrive at once: the platform calls the provider outside
its own row locks).

It books captures and refunds with their times, and keeps per merchant an index of them
by time (a sorted set) from which it writes the merchant's settlement file for a period
without reading any other entry. Entries from before the books had times have none and
are in no file."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_redis import get_redis_connection
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from apps.core.money import Money

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


def _booked_key(merchant: str) -> str:
    """The merchant's captures and refunds by time (a sorted set; score: the epoch time)."""
    return cache.make_key(f"payments:sandbox:booked:{merchant}")


def _book(merchant: str, member: list, at: dt.datetime) -> None:
    """Index a capture or a refund under its time. Written before the entry itself: an
    index member whose entry did not follow (the store failed in between) is skipped
    when read, and writing it again on a retry only moves it to the new time."""
    get_redis_connection("default").zadd(_booked_key(merchant), {json.dumps(member): at.timestamp()})


def capture_fee(amount: int, currency: str) -> int:
    """The sandbox's fee on a capture (the rate SandboxMerchantProvider.fee_for tells the platform)."""
    return Money(amount, currency).percent(settings.PAYMENTS_SANDBOX_FEE_RATE).amount


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
        if not chosen.failure:  # a decline is not settled: not booked
            now = timezone.now()
            # The fee is fixed when the provider captures, as a gateway's is.
            entry.update(paid_at=now.isoformat(), fee=capture_fee(entry["amount"], entry["currency"]))
            _book(entry["merchant"], ["pay", reference], now)
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
        now = timezone.now()
        _book(entry["merchant"], ["cancel", reference, refund_id], now)
        entry["refunds"][refund_key] = {"id": refund_id, "amount": amount, "at": now.isoformat()}
        entry["refunded"] += amount
        entry["status"] = "cancelled" if entry["refunded"] == entry["amount"] else "partial_cancelled"
        cache.set(_key(reference), entry, _TIMEOUT)
    return refund_id


@dataclass(frozen=True)
class Booked:
    """A capture ("pay") or a refund ("cancel") as the sandbox booked it."""

    kind: str
    reference: str  # the payment's (our id at the provider)
    refund_id: str  # a refund's id; empty for a capture
    at: dt.datetime
    amount: int  # positive, for a refund too
    fee: int  # the fee taken on a capture; 0 on a refund (the provider keeps its fee)
    currency: str


def booked(*, merchant: str, start: dt.datetime, end: dt.datetime, chunk: int = 500) -> Iterator[Booked]:
    """The merchant's captures and refunds booked in [start, end), in time order, read
    `chunk` at a time from its index (never the whole period at once)."""
    key = _booked_key(merchant)
    low, high = start.timestamp(), f"({end.timestamp()}"
    offset = 0
    while True:
        try:
            page = get_redis_connection("default").zrangebyscore(key, low, high, start=offset, num=chunk)
            members = [json.loads(member) for member in page]
            entries = cache.get_many([_key(member[1]) for member in members])
        except (RedisError, ConnectionInterrupted) as exc:
            raise ProviderUnavailable(details={"reason": type(exc).__name__}) from exc
        for member in members:
            item = _booked_item(member, entries.get(_key(member[1])))
            # The stored time decides (the score is a float): exactly [start, end).
            if item is not None and start <= item.at < end:
                yield item
        if len(page) < chunk:
            return
        offset += len(page)


def _booked_item(member: list, entry: dict | None) -> Booked | None:
    if entry is None:
        return None
    if member[0] == "pay":
        if not entry.get("paid_at"):  # indexed, but the entry was not written after it
            return None
        return Booked("pay", entry["reference"], "", dt.datetime.fromisoformat(entry["paid_at"]), entry["amount"],
                      entry["fee"], entry["currency"])
    refund = next((done for done in entry["refunds"].values() if done["id"] == member[2]), None)
    if refund is None or not refund.get("at"):
        return None
    return Booked("cancel", entry["reference"], refund["id"], dt.datetime.fromisoformat(refund["at"]),
                  refund["amount"], 0, entry["currency"])
