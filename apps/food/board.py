"""The kitchen board's content: the open tickets of the branches a person reaches, in
columns by status, with what the kitchen needs on each (lines with their options and
notes, the customer's name, pickup or delivery, the times that drive the timers), the
steps that person may take, and the menu's sold-out items. The API and the tenant
admin's board page both serve it; clients poll with the version as ETag and get 304
while nothing changed (one query to know)."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from apps.catalog.models import Item
from apps.catalog.translation import localized
from apps.orders.models import Order
from apps.orders.selectors import orders_with_lines

from . import flow as F
from .models import BranchOrdering, Ticket
from .selectors import board_version, tickets_open

COOK_STEPS = {F.PLACED: [F.ACCEPTED, F.REJECTED], F.ACCEPTED: [F.COOKING], F.COOKING: [F.READY],
              F.READY: [F.PICKED_UP]}
RIDER_STEPS = {F.READY: [F.OUT], F.OUT: [F.DELIVERED]}
NEEDS_REASON = frozenset({F.REJECTED, F.CANCELLED})


def etag_for(*, branch_ids, viewer: str = "") -> str:
    """A strong ETag of the board for these branches (and this viewer's rights)."""
    version = board_version(branch_ids=None if branch_ids is None else sorted(branch_ids))
    raw = repr((version, sorted(branch_ids) if branch_ids is not None else None, viewer))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _iso(moment):
    return moment.isoformat() if moment else None


def _steps(ticket: Ticket, *, cook: bool, deliver: bool) -> list[dict]:
    targets = []
    if cook:
        targets += COOK_STEPS.get(ticket.status, [])
    if deliver or cook:
        targets += [step for step in RIDER_STEPS.get(ticket.status, []) if step not in targets]
    if ticket.status == F.READY:  # pickup orders are handed over; deliveries go out
        targets = [step for step in targets if step == (F.OUT if ticket.fulfilment == "delivery" else F.PICKED_UP)]
    return [{"to": step, "label": str(F.LABELS[step]), "reason_required": step in NEEDS_REASON} for step in targets]


def ticket_row(ticket: Ticket, order: Order, *, cook: bool, deliver: bool, riders: dict) -> dict:
    customer = order.customer
    return {
        "order": order.pk, "number": order.number, "status": ticket.status,
        "status_label": str(F.LABELS[ticket.status]),
        "fulfilment": order.fulfilment, "fulfilment_label": str(Order.Fulfilment(order.fulfilment).label),
        "branch": ticket.branch_id, "customer": customer.name if customer else "",
        "notes": order.notes, "delivery": ({"address": order.delivery.get("address", ""),
                                            "memo": order.delivery.get("memo", ""),
                                            "phone": order.delivery.get("phone", "")}
                                           if order.fulfilment == "delivery" else None),
        "lines": [{"name": line.item_name, "quantity": line.quantity,
                   "options": [{"group": option.get("group", ""), "name": option.get("name", "")}
                               for option in line.options]} for line in order.lines.all()],
        "total": {"amount": order.total, "currency": order.currency}, "payment_status": order.payment_status,
        "released_at": _iso(ticket.released_at), "accept_by": _iso(ticket.accept_by),
        "accepted_at": _iso(ticket.accepted_at), "ready_by": _iso(ticket.ready_by),
        "cooking_at": _iso(ticket.cooking_at), "ready_at": _iso(ticket.ready_at), "out_at": _iso(ticket.out_at),
        "delivered_by": _iso(ticket.delivered_by), "rider": riders.get(ticket.rider_id, ""),
        "steps": _steps(ticket, cook=cook, deliver=deliver),
        "cancel": cook and ticket.status != F.PLACED,
    }


def board_payload(*, branch_ids, cook: bool, deliver: bool, delivery_only: bool = False) -> dict:
    """The board for `branch_ids` (None: every branch). `cook`: may take kitchen steps;
    `deliver`: may take ready deliveries out and deliver them; `delivery_only`: the
    rider's view (deliveries that are ready or out)."""
    from apps.accounts.models import User
    from apps.branches.models import Branch

    tickets = list(tickets_open(branch_ids=branch_ids))
    if delivery_only:
        tickets = [ticket for ticket in tickets
                   if ticket.fulfilment == "delivery" and ticket.status in (F.READY, F.OUT)]
    orders = orders_with_lines(order_ids=[ticket.order_id for ticket in tickets])
    rider_ids = {ticket.rider_id for ticket in tickets if ticket.rider_id}
    riders = {user.pk: user.full_name or user.email for user in User.objects.filter(pk__in=rider_ids)} if rider_ids \
        else {}
    branches = Branch.objects.all() if branch_ids is None else Branch.objects.filter(pk__in=list(branch_ids))
    rules = {ordering.branch_id: ordering for ordering in BranchOrdering.objects.filter(branch__in=branches)}
    statuses = (F.READY, F.OUT) if delivery_only else F.BOARD
    columns = {status: [] for status in statuses}
    for ticket in tickets:
        order = orders.get(ticket.order_id)
        if order is not None and ticket.status in columns:
            columns[ticket.status].append(ticket_row(ticket, order, cook=cook, deliver=deliver, riders=riders))
    menu = [] if delivery_only else [
        {"id": item.pk, "name": localized(item, "name"), "sold_out": item.is_sold_out}
        for item in Item.objects.filter(kind=Item.Kind.MENU_ITEM, is_active=True).order_by("position", "id")]
    return {
        "now": timezone.now().isoformat(),
        "branches": [{"id": branch.pk, "name": branch.name,
                      "paused": bool(rules.get(branch.pk) and rules[branch.pk].paused),
                      "pause_reason": rules[branch.pk].pause_reason if branch.pk in rules else "",
                      "pause_reason_label": (str(BranchOrdering.PauseReason(rules[branch.pk].pause_reason).label)
                                             if branch.pk in rules and rules[branch.pk].pause_reason else "")}
                     for branch in branches.order_by("name")],
        "columns": [{"status": status, "label": str(F.LABELS[status]), "tickets": columns[status]}
                    for status in statuses],
        "menu": menu,
        "sold_out": [row for row in menu if row["sold_out"]],
    }
