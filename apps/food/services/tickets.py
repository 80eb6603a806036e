"""The kitchen's side of each food order.

A ticket is made when the order reaches the kitchen: paid in full (the payments'
event), or placed by staff (paid at the counter later). It carries the deadline to
accept it; beat rejects and refunds what nobody accepted in time.

`ticket_on_move` is the food flow's on_move: every move of a food order, whoever makes
it, checks the kitchen's conditions (paid, not being refunded, pickup or delivery) and
stamps the ticket, in the move's transaction with the order locked. The steps below
(accept, reject, cancel) are what the board and the rider page call."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.errors import InvalidData, PlatformError
from apps.core.mail import mail_language
from apps.orders.models import Order
from apps.orders.services import order_transition
from apps.payments.selectors import order_refund_pending
from apps.payments.services import order_cancel_with_refund
from apps.workspace.services import workspace_settings_get

from .. import flow as F
from ..errors import BeingCancelled, NotAtKitchen, NotTheRider, WrongFulfilment
from ..models import Ticket
from .ordering import ordering_for

MAX_READY_MINUTES = 240
logger = logging.getLogger(__name__)


def _released(order: Order) -> bool:
    """The kitchen may have it: paid in full, or placed by staff (not by the customer's
    own account: paid at the counter)."""
    if order.total > 0 and order.paid_amount >= order.total:
        return True
    if order.placed_by_id is None:
        return False
    customer_user = getattr(order.customer, "user_id", None) if order.customer_id else None
    return customer_user != order.placed_by_id


def ticket_ensure(*, order: Order, now: dt.datetime | None = None) -> Ticket | None:
    """The order's ticket, made if the order has reached the kitchen (None if not yet)."""
    if order.flow != F.NAME or order.branch_id is None:
        return None
    ticket = Ticket.objects.filter(order_id=order.pk).first()
    if ticket is not None or order.status != F.PLACED or not _released(order):
        return ticket
    now = now or timezone.now()
    ordering = ordering_for(order.branch)
    ticket, _created = Ticket.objects.get_or_create(order_id=order.pk, defaults={
        "branch_id": order.branch_id, "status": order.status, "fulfilment": order.fulfilment, "released_at": now,
        "accept_by": now + dt.timedelta(minutes=ordering.accept_within_minutes)})
    return ticket


def _minutes(details: dict, name: str, default: int) -> int:
    value = details.get(name)
    if value in (None, ""):
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_READY_MINUTES:
        raise InvalidData(details={name: [_("A whole number of minutes from 1 to %(max)s.")
                                          % {"max": MAX_READY_MINUTES}]})
    return value


def ticket_on_move(order: Order, move, *, actor, reason: str, details: dict) -> None:
    """The food flow's on_move (see the module's docstring)."""
    target = move.to_status
    ticket = ticket_ensure(order=order)
    if ticket is None:
        if target in (F.CANCELLED, F.REJECTED):
            return  # an unpaid order the customer gave up, or staff cancelled before payment
        raise NotAtKitchen(details={"order": order.number})
    now = timezone.now()
    ordering = ordering_for(order.branch)
    fields = {"status": target}
    if target == F.ACCEPTED:
        if order_refund_pending(order=order) or (order.paid_amount and order.refunded_amount >= order.paid_amount):
            raise BeingCancelled(details={"order": order.number})
        minutes = _minutes(details, "ready_in_minutes", ordering.prep_minutes)
        fields |= {"accepted_at": now, "ready_by": now + dt.timedelta(minutes=minutes)}
    elif target == F.COOKING:
        fields["cooking_at"] = now
        if "ready_in_minutes" in details:
            fields["ready_by"] = now + dt.timedelta(minutes=_minutes(details, "ready_in_minutes", 1))
    elif target == F.READY:
        fields["ready_at"] = now
    elif target in (F.PICKED_UP, F.OUT):
        wanted = "delivery" if target == F.OUT else "pickup"
        if (order.fulfilment == "delivery") != (wanted == "delivery"):
            raise WrongFulfilment(details={"order": order.number, "fulfilment": order.fulfilment,
                                           "requested": target})
        if target == F.OUT:
            fields |= {"out_at": now, "rider_id": getattr(actor, "pk", None),
                       "delivered_by": now + dt.timedelta(minutes=ordering.delivery_minutes)}
        else:
            fields["done_at"] = now
    elif target == F.DELIVERED:
        if ticket.rider_id and getattr(actor, "pk", None) not in (ticket.rider_id, None) and not details.get(
                "staff_override"):
            raise NotTheRider(details={"order": order.number, "rider": ticket.rider_id})
        fields["done_at"] = now
    elif target in (F.CANCELLED, F.REJECTED):
        fields["done_at"] = now
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=now, **fields)


# --- The steps the board and the rider page take -------------------------------------------


def food_order_step(*, order: Order, to_status: str, actor, reason: str = "", details: dict | None = None) -> Order:
    """Move a food order one step (accept, cooking, ready, picked up, out, delivered)."""
    return order_transition(order=order, to_status=to_status, actor=actor, reason=reason, details=details)


def _reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData(message, details={"reason": [_("This field is required.")]})
    return reason


def food_order_reject(*, order: Order, actor, reason: str) -> Order:
    """The store turns down an order it has not accepted: a reason, everything paid back."""
    reason = _reason(reason, _("Say why the order is rejected: the customer reads it."))
    return order_cancel_with_refund(order=order, actor=actor, reason=reason, by_customer=False, reject=True)


def food_order_cancel(*, order: Order, actor, reason: str) -> Order:
    """The store cancels an order it accepted: a reason, everything paid back."""
    reason = _reason(reason, _("Say why the order is cancelled: the customer reads it."))
    return order_cancel_with_refund(order=order, actor=actor, reason=reason, by_customer=False)


def _customer_language(order: Order) -> str:
    """The language the customer's messages are written in (apps.notifications): their
    account's, else the workspace's."""
    user = getattr(order.customer, "user", None) if order.customer_id else None
    return mail_language(getattr(user, "language", ""), workspace_settings_get().language)


def overdue_reject(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Beat: reject and refund the orders nobody accepted in time (the customer is told by
    the cancellation's event). Each in its own transactions; one that fails (the provider
    refusing its refund) is logged, left as it was for the next run, and the rest still
    run. Returns the rejected orders' ids."""
    now = now or timezone.now()
    due = list(Ticket.objects.filter(status=F.PLACED, accept_by__lte=now).order_by("accept_by")
               .values_list("order_id", flat=True)[:limit])
    rejected = []
    for order_id in due:
        order = Order.objects.select_related("branch", "customer__user").get(pk=order_id)
        if order.status != F.PLACED:
            Ticket.objects.filter(pk=order_id).update(status=order.status, updated_at=now)
            continue
        with translation.override(_customer_language(order)):  # the customer reads it, in their messages
            reason = _("The restaurant did not accept the order in time. You are refunded in full.")
        try:
            food_order_reject(order=order, actor=None, reason=reason)
        except PlatformError:
            logger.exception("overdue order %s could not be rejected", order.number)
            continue
        rejected.append(order_id)
    return rejected
