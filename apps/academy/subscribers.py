"""What the academy does when commerce reports on an enrolment's order (apps.events
subscriber, registered in AcademyConfig.ready): paid in full -> the enrolment is active;
cancelled before it was paid -> the enrolment is withdrawn and its seat offered on.
Payments sit below the academy and never call it: it publishes, the academy listens
(DESIGN: layers), in the dispatch transaction with its receipt, so a failure is retried."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Enrolment
from .services import enrolment_activate, enrolment_withdraw

WANTED = frozenset({"payment.succeeded", "order.cancelled"})


def wants(name: str) -> bool:
    return name in WANTED


def handle_event(event) -> None:
    order = (event.data or {}).get("order") or {}
    if order.get("kind") != "enrolment" or not order.get("id"):
        return
    enrolment = (Enrolment.objects.filter(order_id=order["id"], status=Enrolment.Status.PENDING_PAYMENT)
                 .select_related("order").first())
    if enrolment is None:
        return
    if event.name == "payment.succeeded":
        if enrolment.order.paid_amount >= enrolment.order.total:  # a part payment waits for the rest
            enrolment_activate(enrolment=enrolment, actor=None)
    elif event.name == "order.cancelled":
        enrolment_withdraw(enrolment=enrolment, actor=None,
                           reason=event.data.get("reason") or _("The enrolment's order was cancelled."))
