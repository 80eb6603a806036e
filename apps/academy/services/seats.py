"""Seats of a class: how many are taken, offering the free ones to the waitlist, and
withdrawing (which frees one). The caller holds the class row's lock."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.events.services import event_record

from .. import events
from ..conf import setting
from ..models import Class, Enrolment
from ..states import ENROLMENT_MACHINE
from .common import _audit

S = Enrolment.Status


def seats_taken(klass: Class) -> int:
    return Enrolment.objects.filter(klass=klass, status__in=Enrolment.SEAT_HOLDING).count()


def enrolment_locked(enrolment_id: int) -> Enrolment:
    return (Enrolment.objects.select_for_update(of=("self",))
            .select_related("student", "klass__course", "klass__branch", "klass__teacher").get(pk=enrolment_id))


def record(name: str, enrolment: Enrolment, **extra) -> None:
    """Domain event `name` about the enrolment, for its student (and guardians)."""
    event_record(name, {"enrolment": events.enrolment_data(enrolment), "class": events.class_data(enrolment.klass),
                        "customer": events.customer_data(enrolment.student), **extra})


def offer_free_seats(*, klass: Class, actor=None, now: dt.datetime | None = None) -> list[Enrolment]:
    """Offer each free seat to the next on the waitlist, until the offer expires
    (ACADEMY_OFFER_HOURS). `klass` is locked by the caller."""
    free = klass.capacity - seats_taken(klass)
    if free <= 0:
        return []
    now = now or timezone.now()
    expires = now + dt.timedelta(hours=setting("ACADEMY_OFFER_HOURS"))
    waiting = (Enrolment.objects.select_for_update(of=("self",)).filter(klass=klass, status=S.WAITLISTED)
               .select_related("student", "klass__course", "klass__branch", "klass__teacher")
               .order_by("waitlist_position", "pk")[:free])
    offered = []
    for enrolment in waiting:
        move = ENROLMENT_MACHINE.move(enrolment, S.OFFERED, actor=actor,
                                      fields={"offer_expires_at": expires, "waitlist_position": None})
        _audit("academy.seat_offered", actor=actor, target=enrolment, changes=move.changes,
               metadata={"class": klass.pk, "expires_at": expires.isoformat()})
        local = expires.astimezone(events.zone_of(klass.branch))
        record(events.SEAT_OFFERED.name, enrolment, expires_local=local.strftime("%Y-%m-%d %H:%M"))
        offered.append(enrolment)
    return offered


def withdraw_locked(enrolment: Enrolment, *, klass: Class, actor, reason: str,
                    action: str = "academy.enrolment_withdrawn") -> Enrolment:
    """Withdraw the locked enrolment (its class locked too): an unpaid order is
    cancelled, the seat it held goes to the waitlist."""
    from apps.orders.flows import flow_for
    from apps.orders.models import Order
    from apps.orders.services import order_cancel

    from_status = enrolment.status
    move = ENROLMENT_MACHINE.move(enrolment, S.WITHDRAWN, actor=actor, reason=reason, fields={
        "withdrawn_at": timezone.now(), "reason": reason, "waitlist_position": None, "offer_expires_at": None})
    cancelled_order = None
    if enrolment.order_id is not None and from_status == S.PENDING_PAYMENT:
        order = Order.objects.get(pk=enrolment.order_id)
        if order.paid_amount == 0 and flow_for(order).machine.can(order.status, flow_for(order).cancelled):
            order_cancel(order=order, actor=actor, reason=reason or _("Enrolment withdrawn"), by_customer=False)
            cancelled_order = order.number
    _audit(action, actor=actor, target=enrolment, changes=move.changes,
           metadata={"reason": reason, "class": klass.pk,
                     **({"order_cancelled": cancelled_order} if cancelled_order else {})})
    record(events.ENROLMENT_WITHDRAWN.name, enrolment, from_status=from_status, reason=reason)
    if from_status in Enrolment.SEAT_HOLDING:
        offer_free_seats(klass=klass, actor=actor)
    return enrolment
