"""The food flow on the shared state machine (apps.orders.flows):

    placed -> accepted -> cooking -> ready -> picked_up
       |          |          |         +---> out_for_delivery -> delivered
       +-> rejected          +---------+----------+-> cancelled (store, with a reason)
       +-> cancelled (the customer, before acceptance)

New orders of kind "order" in a food workspace follow it. Its on_move is the kitchen's
part of every move, whoever makes it (the board, the rider page, the orders API, the
order page in the admin): apps.food.services.tickets.ticket_on_move."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from apps.orders.flows import flow_chooser_register, order_machine, register_flow
from apps.rbac.tenancy import current_tenant

PLACED, ACCEPTED, REJECTED, COOKING, READY = "placed", "accepted", "rejected", "cooking", "ready"
PICKED_UP, OUT, DELIVERED, CANCELLED = "picked_up", "out_for_delivery", "delivered", "cancelled"
NAME = "food"
# What the kitchen board shows as columns, in order; the rest are history.
BOARD = (PLACED, ACCEPTED, COOKING, READY, OUT)
DONE = frozenset({PICKED_UP, DELIVERED})
ENDED = frozenset({PICKED_UP, DELIVERED, REJECTED, CANCELLED})

TRANSITIONS = {
    PLACED: {ACCEPTED, REJECTED, CANCELLED},
    ACCEPTED: {COOKING, CANCELLED},
    COOKING: {READY, CANCELLED},
    READY: {PICKED_UP, OUT, CANCELLED},
    OUT: {DELIVERED, CANCELLED},
    PICKED_UP: set(), DELIVERED: set(), REJECTED: set(), CANCELLED: set(),
}
LABELS = {
    PLACED: pgettext_lazy("order status", "Placed"),
    ACCEPTED: pgettext_lazy("order status", "Accepted"),
    COOKING: pgettext_lazy("order status", "Cooking"),
    READY: pgettext_lazy("order status", "Ready"),
    PICKED_UP: pgettext_lazy("order status", "Picked up"),
    OUT: pgettext_lazy("order status", "Out for delivery"),
    DELIVERED: pgettext_lazy("order status", "Delivered"),
    REJECTED: pgettext_lazy("order status", "Rejected"),
    CANCELLED: pgettext_lazy("order status", "Cancelled"),
}


def is_food_workspace() -> bool:
    return getattr(current_tenant(), "business_type", "") == "food"


def _choose(kind: str) -> str | None:
    return NAME if kind == "order" and is_food_workspace() else None


def register() -> None:
    """The flow, and the food rules on every order that follows it (apps.orders.pricing):
    the branch's conditions, its delivery fee, the estimate in the order's events."""
    from apps.orders.events import order_data_extra_register
    from apps.orders.pricing import fee_rule_register, order_rule_register

    from .events import order_estimate
    from .services.rules import food_delivery_fee, food_order_rule
    from .services.tickets import ticket_on_move

    register_flow(NAME, order_machine(TRANSITIONS), labels=LABELS, done=DONE, customer_cancellable={PLACED},
                  rejected=REJECTED, on_move=ticket_on_move)
    flow_chooser_register(_choose)
    order_rule_register("food", food_order_rule)
    fee_rule_register("delivery", food_delivery_fee, label=pgettext_lazy("order fee", "Delivery fee"))
    order_data_extra_register(order_estimate)
