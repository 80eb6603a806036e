"""Settlement test data: payments and refunds written straight into a tenant's schema
(as the payment services leave them), and the settlement's arithmetic redone in Python,
independently of the SQL that makes batches, to check it against."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.orders.models import Order
from apps.payments.models import Payment, Refund

_numbers = itertools.count(700000)
_refs = itertools.count(1)


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pay(schema: str, amount: int, paid_at: dt.datetime, *, rate: str = "3.5", fee_rate: str = "3.3") -> Payment:
    """A captured payment of `amount` at `paid_at` with the commission `rate` fixed on it."""
    with schema_context(schema):
        order = Order.objects.create(number=next(_numbers), total=amount, subtotal=amount, status="placed",
                                     paid_amount=amount, payment_status="paid")
        payment = Payment.objects.create(
            order=order, provider="sandbox", reference=f"set_{next(_refs)}_{amount}", status=Payment.Status.PAID,
            amount=amount, currency="KRW", commission_rate=Decimal(rate),
            commission_amount=round_half_up(Decimal(amount) * Decimal(rate) / 100),
            fee_amount=round_half_up(Decimal(amount) * Decimal(fee_rate) / 100), paid_at=paid_at)
    connection.set_schema_to_public()
    return payment


def refund(schema: str, payment: Payment, amount: int, completed_at: dt.datetime) -> Refund:
    with schema_context(schema):
        payment.refresh_from_db()
        done = Refund.objects.create(payment=payment, amount=amount, currency="KRW", reason="test",
                                     status=Refund.Status.SUCCEEDED, idempotency_key=f"k{next(_refs)}",
                                     provider_refund_id=f"rf_{next(_refs)}", completed_at=completed_at)
        payment.refunded_amount += amount
        payment.status = (Payment.Status.CANCELLED if payment.refunded_amount == payment.amount
                          else Payment.Status.PARTIAL_CANCELLED)
        payment.save(update_fields=["refunded_amount", "status"])
    connection.set_schema_to_public()
    return done


def fail(schema: str, failed_at: dt.datetime, amount: int = 1000) -> Payment:
    """A declined payment attempt (declined at `failed_at`)."""
    with schema_context(schema):
        order = Order.objects.create(number=next(_numbers), total=amount, subtotal=amount, status="placed")
        payment = Payment.objects.create(order=order, provider="sandbox", reference=f"set_fail_{next(_refs)}",
                                         status=Payment.Status.FAILED, amount=amount, currency="KRW")
        Payment.objects.filter(pk=payment.pk).update(updated_at=failed_at)
    connection.set_schema_to_public()
    return payment


def expected_lines(schema: str, *, start, end, vat_rate: str = "10") -> list[dict]:
    """What the batch's lines must be, computed here in Python from the tenant's rows."""
    with schema_context(schema):
        payments = list(Payment.objects.filter(paid_at__isnull=False).select_related("order"))
        refunds = list(Refund.objects.filter(status=Refund.Status.SUCCEEDED).select_related("payment__order")
                       .order_by("completed_at", "id"))
    connection.set_schema_to_public()

    def inside(at):
        return at < end and (start is None or at >= start)

    lines, refunded = [], {}
    for payment in payments:
        if inside(payment.paid_at):
            lines.append({"kind": "payment", "source_id": payment.pk, "at": payment.paid_at, "amount": payment.amount,
                          "commission": payment.commission_amount, "fee": payment.fee_amount})
    for item in refunds:
        payment = item.payment
        before = refunded.get(payment.pk, 0)
        refunded[payment.pk] = before + item.amount
        rate = payment.commission_rate / 100
        back = (round_half_up((payment.amount - before) * rate)
                - round_half_up((payment.amount - before - item.amount) * rate))
        if inside(item.completed_at):
            lines.append({"kind": "refund", "source_id": item.pk, "at": item.completed_at, "amount": -item.amount,
                          "commission": -back, "fee": 0,
                          "adjustment": start is not None and payment.paid_at < start})
    lines.sort(key=lambda line: (line["at"], line["kind"], line["source_id"]))
    running = 0
    for line in lines:
        vat_before = round_half_up(Decimal(running) * Decimal(vat_rate) / 100)
        running += line["commission"]
        line["vat"] = round_half_up(Decimal(running) * Decimal(vat_rate) / 100) - vat_before
        line["net"] = line["amount"] - line["commission"] - line["fee"] - line["vat"]
        line.setdefault("adjustment", False)
    return lines


def at(day: str, hour: int = 12) -> dt.datetime:
    """`day` (ISO) at `hour` in Seoul."""
    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour),
                               timezone=dt.timezone(dt.timedelta(hours=9)))
