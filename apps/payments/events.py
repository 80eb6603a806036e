"""The events payments publish (apps.events.catalogue), recorded in the transaction
that captures the payment or confirms the refund."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.events.catalogue import (
    CUSTOMER_REF,
    DATETIME,
    MONEY,
    NULLABLE_STRING,
    STRING,
    EventType,
    event_type_register,
    obj,
)
from apps.orders.events import ORDER, ORDER_CREATED, customer_data, money, order_data

PAYMENT = obj({"id": STRING, "amount": MONEY, "method": STRING, "paid_at": NULLABLE_STRING})
REFUND = obj({"amount": MONEY, "reason": STRING, "completed_at": DATETIME})
CUSTOMER = {"oneOf": [CUSTOMER_REF, {"type": "null"}]}
_EXAMPLE = ORDER_CREATED.example

PAYMENT_SUCCEEDED = event_type_register(EventType(
    name="payment.succeeded", label=_("Payment received"), group="payments", audience=("customer",),
    description=_("A customer's payment for an order was captured."),
    schema=obj({"payment": PAYMENT, "order": ORDER, "customer": CUSTOMER}),
    example={"payment": {"id": "pay_3f9c2a", "amount": {"amount": 19000, "currency": "KRW"}, "method": "card",
                         "paid_at": "2026-12-01T09:30:00+09:00"},
             "order": {**_EXAMPLE["order"], "payment_status": "paid",
                       "paid": {"amount": 19000, "currency": "KRW"}},
             "customer": _EXAMPLE["customer"]}))
REFUND_SUCCEEDED = event_type_register(EventType(
    name="refund.succeeded", label=_("Refund completed"), group="payments", audience=("customer",),
    description=_("A refund was confirmed by the payment provider: the money is on its way back."),
    schema=obj({"refund": REFUND, "payment": PAYMENT, "order": ORDER, "customer": CUSTOMER}),
    example={"refund": {"amount": {"amount": 9000, "currency": "KRW"}, "reason": "Sold out",
                        "completed_at": "2026-12-01T10:02:00+09:00"},
             "payment": {"id": "pay_3f9c2a", "amount": {"amount": 19000, "currency": "KRW"}, "method": "card",
                         "paid_at": "2026-12-01T09:30:00+09:00"},
             "order": {**_EXAMPLE["order"], "payment_status": "partially_refunded",
                       "paid": {"amount": 19000, "currency": "KRW"},
                       "refunded": {"amount": 9000, "currency": "KRW"}},
             "customer": _EXAMPLE["customer"]}))


def payment_data(payment) -> dict:
    return {"id": payment.reference, "amount": money(payment.amount, payment.currency), "method": payment.method,
            "paid_at": payment.paid_at.isoformat() if payment.paid_at else None}


def payment_event(payment, order) -> dict:
    return {"payment": payment_data(payment), "order": order_data(order), "customer": customer_data(order)}


def refund_event(refund, payment, order) -> dict:
    return {"refund": {"amount": money(refund.amount, refund.currency), "reason": refund.reason,
                       "completed_at": refund.completed_at.isoformat()},
            "payment": payment_data(payment), "order": order_data(order), "customer": customer_data(order)}
