"""What the food module does when commerce reports on a food order (apps.events
subscriber, registered in FoodConfig.ready): placed by staff or paid in full -> the
ticket is made and the order is on the kitchen board. Payments and orders sit below the
food module and never call it (DESIGN: layers)."""

from __future__ import annotations

from apps.orders.models import Order

from . import flow as F
from .services.tickets import ticket_ensure

WANTED = frozenset({"order.created", "payment.succeeded"})


def wants(name: str) -> bool:
    return name in WANTED


def handle_event(event) -> None:
    data = (event.data or {}).get("order") or {}
    if data.get("kind") != "order" or not data.get("id"):
        return
    order = Order.objects.select_related("branch", "customer").filter(pk=data["id"], flow=F.NAME).first()
    if order is not None:
        ticket_ensure(order=order)
