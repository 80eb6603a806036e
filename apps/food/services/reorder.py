"""Ordering a past food order again: the same branch, pickup or delivery, delivery details,
notes and dishes with their options, as far as they can be ordered now; every line left
out is named with why (gone from the menu, sold out, an option no longer offered, served
only at other hours). The new order meets the food rules like any other (a closed or
paused branch, the minimum, the delivery area refuse it with their own codes)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from apps.branches.hours import open_at
from apps.catalog.selectors import items_for_order
from apps.catalog.translation import localized
from apps.core.errors import PlatformError
from apps.orders.models import Order
from apps.orders.pricing import lines_price
from apps.orders.services import order_create

from ..errors import ItemOutOfHours, NothingToReorder
from ..selectors import periods_by_item
from .common import _audit, local_now


def _skip(line, reason: str, message) -> dict:
    return {"name": line.item_name, "reason": reason, "message": str(message)}


def reorder_lines(*, order: Order) -> tuple[list[dict], list[dict]]:
    """(the lines to order now, as order_create takes them; the lines left out, each
    {"name", "reason" (an error code), "message"}). Each past line is checked on its own
    with the orders' own pricing checks, so a line is kept exactly when it would be taken."""
    past = list(order.lines.all())
    items = items_for_order(item_ids=[line.item_id for line in past if line.item_id is not None])
    periods = periods_by_item(item_ids=list(items))
    now_local = local_now(order.branch) if order.branch_id else None
    kept, skipped = [], []
    for line in past:
        wanted = {"item": line.item_id, "quantity": line.quantity,
                  "options": [option["id"] for option in line.options or []
                              if isinstance(option, dict) and isinstance(option.get("id"), int)]}
        item = items.get(line.item_id)
        if item is None:
            skipped.append(_skip(line, "unknown_item", _("“%(name)s” is no longer on the menu.")
                                 % {"name": line.item_name}))
            continue
        try:
            lines_price(lines=[wanted], items=items, branch_id=order.branch_id, currency=settings.COMMERCE_CURRENCY)
        except PlatformError as refusal:
            skipped.append(_skip(line, refusal.code, refusal.message))
            continue
        if item.stock is not None and item.stock < line.quantity:
            skipped.append(_skip(line, "out_of_stock", _("Only %(count)s of “%(name)s” left.")
                                 % {"count": item.stock, "name": localized(item, "name")}))
            continue
        served = periods.get(item.pk)
        if served and now_local is not None and not any(open_at(period.hours, now_local) for period in served):
            skipped.append(_skip(line, ItemOutOfHours.code, _("“%(item)s” is served only at %(periods)s.") % {
                "item": localized(item, "name"), "periods": ", ".join(localized(period, "name") for period in served)}))
            continue
        kept.append(wanted)
    return kept, skipped


def order_reorder(*, order: Order, customer, actor, idempotency_key: str = "",
                  idempotency_scope: str = "") -> tuple[Order, list[dict]]:
    """Place `order` again for `customer` (apps.orders.services.order_create, with its
    Idempotency-Key handling): (the new order, the lines left out). Nothing left to order
    is `food_nothing_to_reorder`. The audit row follows the order's own transaction
    (order_create owns a durable one)."""
    kept, skipped = reorder_lines(order=order)
    if not kept:
        raise NothingToReorder(details={"order": order.number, "skipped": skipped})
    new = order_create(customer=customer, lines=kept, fulfilment=order.fulfilment, branch=order.branch,
                       notes=order.notes, delivery=order.delivery or None, actor=actor,
                       idempotency_key=idempotency_key, idempotency_scope=idempotency_scope)
    if not new.replayed:
        with transaction.atomic():
            _audit("food.order_reordered", actor=actor, target=new,
                   metadata={"from_order": order.pk, "from_number": order.number, "skipped": skipped})
    return new, skipped
