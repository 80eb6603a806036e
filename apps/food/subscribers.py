"""What the food module does when commerce reports on a food order (apps.events
subscriber, registered in FoodConfig.ready): placed by staff or paid in full -> the
ticket is made and the order is on the kitchen board. Payments and orders sit below the
food module and never call it (DESIGN: layers)."""

from __future__ import annotations

from django.utils import timezone

from apps.orders.models import Order

from . import flow as F
from .models import Ticket
from .services.tickets import ticket_ensure

WANTED = frozenset({"order.created", "payment.succeeded"})


def wants(name: str) -> bool:
    return name in WANTED


def handle_event(event) -> None:
    data = (event.data or {}).get("order") or {}
    if data.get("kind") != "order" or not data.get("id"):
        return
    order = Order.objects.select_related("branch", "customer").filter(pk=data["id"], flow=F.NAME).first()
    if order is None:
        return
    ticket = ticket_ensure(order=order)
    if ticket is not None and event.name == "payment.succeeded":  # the board shows it paid now
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
