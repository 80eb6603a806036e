"""The events orders publish (apps.events.catalogue), recorded with the audit row of the
same change (services._audit). Labels come in every language the platform speaks, so
a notification reads the status in its recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.events.catalogue import CUSTOMER_REF, INTEGER, MONEY, STRING, EventType, event_type_register, obj

from .flows import status_label

LABELS = {"type": "object", "additionalProperties": STRING}  # language -> text
ORDER = obj({"id": INTEGER, "number": INTEGER, "kind": STRING, "status": STRING, "status_label": LABELS,
             "payment_status": STRING, "fulfilment": STRING, "total": MONEY, "paid": MONEY, "refunded": MONEY,
             "lines": {"type": "array", "items": obj({"name": STRING, "quantity": INTEGER, "total": MONEY})}})
ORDER_DATA = obj({"order": ORDER, "customer": {"oneOf": [CUSTOMER_REF, {"type": "null"}]}})
CHANGE_DATA = obj({**ORDER_DATA["properties"], "from_status": STRING, "reason": STRING})

_EXAMPLE_ORDER = {
    "id": 1042, "number": 1042, "kind": "order", "status": "placed", "status_label": {"en": "Placed", "ko": "접수"},
    "payment_status": "unpaid", "fulfilment": "pickup", "total": {"amount": 19000, "currency": "KRW"},
    "paid": {"amount": 0, "currency": "KRW"}, "refunded": {"amount": 0, "currency": "KRW"},
    "lines": [{"name": "Bibimbap", "quantity": 1, "total": {"amount": 10000, "currency": "KRW"}},
              {"name": "Kimchi stew", "quantity": 1, "total": {"amount": 9000, "currency": "KRW"}}]}
_EXAMPLE_CUSTOMER = {"id": 7, "name": "Kim Jihoon"}

ORDER_CREATED = event_type_register(EventType(
    name="order.created", label=_("Order placed"), group="orders", audience=("customer", "staff"),
    description=_("A customer or staff member placed an order, reservation or enrolment."),
    schema=ORDER_DATA, example={"order": _EXAMPLE_ORDER, "customer": _EXAMPLE_CUSTOMER}))
ORDER_STATUS_CHANGED = event_type_register(EventType(
    name="order.status_changed", label=_("Order status changed"), group="orders", audience=("customer",),
    description=_("An order moved along its flow (confirmed, ready, completed ...)."),
    schema=CHANGE_DATA,
    example={"order": {**_EXAMPLE_ORDER, "status": "confirmed", "status_label": {"en": "Confirmed", "ko": "확정"}},
             "customer": _EXAMPLE_CUSTOMER, "from_status": "placed", "reason": ""}))
ORDER_CANCELLED = event_type_register(EventType(
    name="order.cancelled", label=_("Order cancelled"), group="orders", audience=("customer", "staff"),
    description=_("An order was cancelled, by its customer or by staff (with a reason)."),
    schema=CHANGE_DATA,
    example={"order": {**_EXAMPLE_ORDER, "status": "cancelled", "status_label": {"en": "Cancelled", "ko": "취소"}},
             "customer": _EXAMPLE_CUSTOMER, "from_status": "placed", "reason": "Sold out"}))
PUBLISHED = {ORDER_CREATED.name, ORDER_STATUS_CHANGED.name, ORDER_CANCELLED.name}


def labels(code: str) -> dict[str, str]:
    result = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            result[language] = status_label(code)
    return result


def money(amount: int, currency: str) -> dict:
    return {"amount": int(amount), "currency": currency}


_EXTRAS: list = []


def order_data_extra_register(extra) -> None:
    """`extra(order)` returns fields a business module adds to the order in events (food:
    the estimated ready time), {} when it has none; templates use them when present."""
    _EXTRAS.append(extra)


def order_data(order) -> dict:
    """The order as events carry it (no personal data beyond the customer's name)."""
    extras = {}
    for extra in _EXTRAS:
        extras.update(extra(order))
    return extras | {
        "id": order.pk, "number": order.number, "kind": order.kind, "status": order.status,
        "status_label": labels(order.status), "payment_status": order.payment_status,
        "fulfilment": order.fulfilment, "total": money(order.total, order.currency),
        "paid": money(order.paid_amount, order.currency), "refunded": money(order.refunded_amount, order.currency),
        "lines": [{"name": line.item_name, "quantity": line.quantity, "total": money(line.line_total, order.currency)}
                  for line in order.lines.all()],
    }


def customer_data(order) -> dict | None:
    customer = order.customer
    return {"id": customer.pk, "name": customer.name} if customer is not None else None
