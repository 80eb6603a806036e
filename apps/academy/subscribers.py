"""What the academy does when commerce reports on an order it placed (apps.events
subscriber, registered in AcademyConfig.ready):
- an enrolment's order paid in full -> the enrolment is active (and its first month's
  invoice paid); cancelled before it was paid -> the enrolment is withdrawn and its seat
  offered on (its invoice void);
- a tuition order paid in full -> the invoice is paid; cancelled unpaid -> void;
- a pass's order paid in full -> the pass is usable; cancelled unpaid -> cancelled;
  refunded outside pass_refund (the customer cancelled it, staff refunded it) -> closed;
- a paid enrolment's order cancelled (with its refund) -> the student is withdrawn.
Payments sit below the academy and never call it: it publishes, the academy listens
(DESIGN: layers), in the dispatch transaction with its receipt, so a failure is retried."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Enrolment, TuitionInvoice
from .services import enrolment_activate, enrolment_withdraw
from .services.passes import pass_activate_paid, pass_cancel_unpaid, pass_refunded_elsewhere
from .services.tuition import invoice_void, tuition_paid

WANTED = frozenset({"payment.succeeded", "order.cancelled", "refund.succeeded"})


def wants(name: str) -> bool:
    return name in WANTED


def _invoice(order_id: int, *, paid: bool, reason: str) -> None:
    invoice = TuitionInvoice.objects.filter(order_id=order_id, status=TuitionInvoice.Status.OPEN).first()
    if invoice is None:
        return
    if paid:
        tuition_paid(invoice=invoice, via=TuitionInvoice.Method.ONLINE)
    else:
        invoice_void(invoice=invoice, actor=None, reason=reason)


def handle_event(event) -> None:
    from apps.orders.models import Order

    data = (event.data or {}).get("order") or {}
    if data.get("kind") not in ("enrolment", "tuition", "order") or not data.get("id"):
        return
    order = Order.objects.filter(pk=data["id"]).first()
    if order is None:
        return
    if event.name == "refund.succeeded":
        if order.kind == Order.Kind.ORDER:
            pass_refunded_elsewhere(order=order)
        return
    paid = event.name == "payment.succeeded"
    if paid and order.paid_amount < order.total:  # a part payment waits for the rest
        return
    reason = event.data.get("reason") or _("The order was cancelled.")
    if order.kind == Order.Kind.ORDER:
        if paid:
            pass_activate_paid(order=order)
        else:
            pass_cancel_unpaid(order=order, reason=reason)
        return
    _invoice(order.pk, paid=paid, reason=reason)
    if order.kind != Order.Kind.ENROLMENT:
        return
    waiting = Enrolment.Status.PENDING_PAYMENT
    enrolment = Enrolment.objects.filter(order_id=order.pk,
                                         status__in=(waiting,) if paid else (waiting, Enrolment.Status.ACTIVE)).first()
    if enrolment is None:
        return
    if paid:
        enrolment_activate(enrolment=enrolment, actor=None)
    else:
        enrolment_withdraw(enrolment=enrolment, actor=None,
                           reason=event.data.get("reason") or _("The enrolment's order was cancelled."))
