"""The waitlist's offers: the first in line accepts a freed seat before it expires
(then pays like any enrolment), or beat passes it to the next; and beat places the
orders of enrolments whose placing was interrupted (a crash between the two steps)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import PlatformError

from ..errors import OfferExpired
from ..models import Enrolment
from ..states import ENROLMENT_MACHINE
from .common import _audit, class_locked
from .enrolments import order_place
from .seats import enrolment_locked, offer_free_seats, withdraw_locked

logger = logging.getLogger(__name__)
S = Enrolment.Status
INTERRUPTED_AFTER = dt.timedelta(minutes=5)


def seats_offer(*, klass, actor) -> list[Enrolment]:
    """Staff offer the class's free seats to the first waiting (under the class lock, as
    every seat change); returns the enrolments offered one."""
    with transaction.atomic():
        return offer_free_seats(klass=class_locked(klass.pk), actor=actor)


def enrolment_offer_accept(*, enrolment: Enrolment, actor) -> Enrolment:
    """Take the offered seat: pending payment, with its order."""
    with transaction.atomic(durable=True):
        locked = enrolment_locked(enrolment.pk)
        ENROLMENT_MACHINE.check(locked.status, S.PENDING_PAYMENT)
        if locked.offer_expires_at is not None and locked.offer_expires_at <= timezone.now():
            raise OfferExpired(details={"enrolment": locked.pk, "expired_at": locked.offer_expires_at.isoformat()})
        move = ENROLMENT_MACHINE.move(locked, S.PENDING_PAYMENT, actor=actor, fields={"offer_expires_at": None})
        _audit("academy.offer_accepted", actor=actor, target=locked, changes=move.changes,
               metadata={"class": locked.klass_id})
    return order_place(locked, actor=actor)


def offers_expire(*, now: dt.datetime | None = None) -> int:
    """Offers past their deadline are withdrawn and their seat offered to the next in
    line (beat, every few minutes). Returns how many expired."""
    now = now or timezone.now()
    due = list(Enrolment.objects.filter(status=S.OFFERED, offer_expires_at__lte=now)
               .order_by("offer_expires_at", "pk").values_list("pk", "klass_id"))
    expired = 0
    for enrolment_id, class_id in due:
        with transaction.atomic():
            klass = class_locked(class_id)
            locked = enrolment_locked(enrolment_id)
            if locked.status != S.OFFERED or locked.offer_expires_at is None or locked.offer_expires_at > now:
                continue  # accepted or declined meanwhile
            withdraw_locked(locked, klass=klass, actor=None, reason=_("The offered seat was not taken in time."),
                            action="academy.offer_expired")
            expired += 1
    return expired


def enrolments_orders_complete(*, now: dt.datetime | None = None) -> int:
    """Enrolments left pending payment without an order (the process stopped between
    the seat and the order): their order is placed now, or found if it was placed."""
    cutoff = (now or timezone.now()) - INTERRUPTED_AFTER
    stranded = (Enrolment.objects.filter(status=S.PENDING_PAYMENT, order__isnull=True, updated_at__lte=cutoff)
                .select_related("student", "klass__course", "klass__branch").order_by("pk"))
    completed = 0
    for enrolment in stranded:
        try:
            order_place(enrolment, actor=None)
            completed += 1
        except PlatformError as error:  # withdrawn with the reason; the next one still goes
            logger.warning("enrolment %s: order could not be placed: %s", enrolment.pk, error.code)
    return completed
