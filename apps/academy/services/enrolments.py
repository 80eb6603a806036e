"""Enrolments: a student in a class, an order of kind `enrolment` for the course item.

Creating one locks the class row and counts the seats held (pending payment, active,
paused, offered): a seat makes it pending payment, a full class puts the student on the
waitlist or, asked not to, refuses. The order is placed through apps.orders after that
transaction commits (order_create owns a durable transaction of its own), under an
Idempotency-Key of the enrolment, so placing it again after a crash finds the same
order (enrolments_orders_complete); it links back in a second short transaction.
A paid order makes the enrolment active (the `payment.succeeded` subscriber,
apps.academy.subscribers, calls enrolment_activate)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.selectors import item_offered_at
from apps.core.errors import InvalidData, PlatformError

from .. import events
from ..errors import AlreadyEnrolled, ClassClosed, ClassFull, EnrolmentUnpaid, IllegalEnrolmentMove
from ..models import Class, Enrolment, EnrolmentTransition, StudentProfile, TuitionInvoice
from ..states import ENROLMENT_MACHINE, status_label
from .common import _audit, academy_order, billed_per_pass, class_locked
from .seats import enrolment_locked, record, seats_taken, withdraw_locked
from .tuition import invoice_record, tuition_first_quote

S = Enrolment.Status


def _open_check(klass: Class) -> None:
    """The class takes enrolments and its course can be ordered at its branch (what the
    order would refuse, refused before anything is written)."""
    today = timezone.now().astimezone(events.zone_of(klass.branch)).date()
    course, branch = klass.course, klass.branch
    if not klass.is_active or (klass.ends_on is not None and klass.ends_on < today):
        raise ClassClosed(details={"class": klass.pk})
    if not course.is_active or course.is_sold_out or not branch.is_active or not item_offered_at(course, branch.pk):
        raise ClassClosed(_("“%(course)s” cannot be enrolled in at %(branch)s now.")
                          % {"course": course.name, "branch": branch.name}, details={"class": klass.pk})


def enrolment_create(*, student, klass: Class, actor, waitlist: bool = True) -> Enrolment:
    """Enrol `student` (a CRM customer) in `klass`: pending payment with its order when
    a seat is free; on the waitlist when the class is full (refused with
    `academy_class_full` when `waitlist` is False). One live enrolment per student and
    class. The student gets a student profile if they have none."""
    if student.deleted_at is not None:
        raise InvalidData(details={"student": [_("This customer was deleted.")]})
    _open_check(klass)
    with transaction.atomic(durable=True):
        locked = class_locked(klass.pk)
        live = Enrolment.objects.filter(klass=locked, student=student).exclude(status=S.WITHDRAWN).first()
        if live is not None:
            raise AlreadyEnrolled(details={"enrolment": live.pk, "status": live.status})
        taken = seats_taken(locked)
        status, position = S.PENDING_PAYMENT, None
        if taken >= locked.capacity:
            if not waitlist:
                raise ClassFull(_("“%(class)s” is full (%(capacity)s seats).")
                                % {"class": locked.name, "capacity": locked.capacity},
                                details={"class": locked.pk, "capacity": locked.capacity, "taken": taken})
            status = S.WAITLISTED
            last = Enrolment.objects.filter(klass=locked, status=S.WAITLISTED).aggregate(last=Max("waitlist_position"))
            position = (last["last"] or 0) + 1
        enrolment = Enrolment.objects.create(klass=locked, student=student, status=status, waitlist_position=position,
                                             enrolled_by=actor if getattr(actor, "is_authenticated", False) else None)
        EnrolmentTransition.objects.create(enrolment=enrolment, from_status="", to_status=status,
                                           actor=enrolment.enrolled_by)
        if not StudentProfile.objects.filter(customer=student).exists():
            StudentProfile.objects.create(customer=student)
        _audit("academy.enrolment_created", actor=actor, target=enrolment,
               changes={"status": [None, status], **({"waitlist_position": [None, position]} if position else {})},
               metadata={"class": locked.pk, "student": student.pk, "seats_taken": taken})
        enrolment = enrolment_locked(enrolment.pk)
        record(events.ENROLMENT_CREATED.name, enrolment)
    if enrolment.status == S.PENDING_PAYMENT:
        return order_place(enrolment, actor=actor)
    return enrolment


def _pending_since(enrolment: Enrolment):
    """The local day the enrolment took its seat (its first month is billed from then)."""
    moved = (EnrolmentTransition.objects.filter(enrolment=enrolment, to_status=S.PENDING_PAYMENT)
             .order_by("-created_at").values_list("created_at", flat=True).first()) or timezone.now()
    return moved.astimezone(events.zone_of(enrolment.klass.branch)).date()


def order_place(enrolment: Enrolment, *, actor) -> Enrolment:
    """Place the enrolment's order (idempotent per enrolment) and link it; a refused
    order withdraws the enrolment (its seat goes to the waitlist) and is raised. The
    order is the first month's tuition (pro-rated from the day the seat was taken; its
    invoice is recorded with it); an order with nothing to pay activates the enrolment
    at once. A course billed per pass takes no order: the enrolment is active at once."""
    from apps.orders.models import Order

    klass = enrolment.klass
    if billed_per_pass(klass):  # billed per pass: the seat costs nothing, attendance uses the passes
        with transaction.atomic():
            locked = enrolment_locked(enrolment.pk)
            if locked.status == S.PENDING_PAYMENT:
                _activate(locked, actor=actor)
        return locked
    quote = tuition_first_quote(enrolment=enrolment, since=_pending_since(enrolment))
    try:
        order = academy_order(key=f"enrolment-{enrolment.pk}", customer=enrolment.student, item_id=klass.course_id,
                              branch=klass.branch, kind=Order.Kind.ENROLMENT, actor=actor,
                              allowances=quote.allowances())
    except PlatformError as error:
        with transaction.atomic():
            locked_class = class_locked(klass.pk)
            locked = enrolment_locked(enrolment.pk)
            if locked.status == S.PENDING_PAYMENT and locked.order_id is None:
                withdraw_locked(locked, klass=locked_class, actor=actor,
                                reason=_("The order could not be placed: %(error)s") % {"error": error.message})
        raise
    with transaction.atomic():
        locked = enrolment_locked(enrolment.pk)
        if locked.order_id is None and locked.status == S.PENDING_PAYMENT:
            locked.order = order
            locked.save(update_fields=["order", "updated_at"])
            _audit("academy.enrolment_order_placed", actor=actor, target=locked,
                   changes={"order": [None, order.pk]}, metadata={"order": order.number, "total": order.total})
            if order.total > 0 and not TuitionInvoice.objects.filter(enrolment=locked, period=quote.period).exists():
                invoice_record(enrolment=locked, quote=quote, order=order, actor=actor)  # the first month
            if order.total <= 0:
                _activate(locked, actor=actor)
    return locked


def _activate(enrolment: Enrolment, *, actor) -> None:
    move = ENROLMENT_MACHINE.move(enrolment, S.ACTIVE, actor=actor, fields={"activated_at": timezone.now()})
    _audit("academy.enrolment_activated", actor=actor, target=enrolment, changes=move.changes,
           metadata={"order": enrolment.order_id})
    record(events.ENROLMENT_ACTIVATED.name, enrolment)


def enrolment_activate(*, enrolment: Enrolment, actor=None) -> Enrolment:
    """The enrolment's order is paid: the student has their seat. Idempotent for an
    active enrolment; refused (`academy_enrolment_unpaid`) while the order is not paid."""
    with transaction.atomic():
        locked = enrolment_locked(enrolment.pk)
        if locked.status == S.ACTIVE:
            return locked
        if locked.status != S.PENDING_PAYMENT:  # a paused enrolment is resumed, not activated
            raise IllegalEnrolmentMove(IllegalEnrolmentMove.message % {
                "current": status_label(locked.status), "target": status_label(S.ACTIVE)},
                details={"status": locked.status, "requested": S.ACTIVE,
                         "allowed": sorted(ENROLMENT_MACHINE.allowed(locked.status))})
        order = locked.order
        if order is None or order.paid_amount < order.total:
            raise EnrolmentUnpaid(details={"enrolment": locked.pk, "order": getattr(order, "pk", None),
                                           "total": getattr(order, "total", None),
                                           "paid": getattr(order, "paid_amount", None)})
        _activate(locked, actor=actor)
    return locked


def enrolment_withdraw(*, enrolment: Enrolment, actor, reason: str = "") -> Enrolment:
    """The student leaves the class (or its waitlist, or declines an offered seat): an
    unpaid order is cancelled, the seat is offered to the first on the waitlist."""
    with transaction.atomic():
        locked_class = class_locked(enrolment.klass_id)
        locked = enrolment_locked(enrolment.pk)
        return withdraw_locked(locked, klass=locked_class, actor=actor, reason=(reason or "").strip())


def _pause_or_resume(enrolment: Enrolment, *, to: str, actor, reason: str, action: str) -> Enrolment:
    with transaction.atomic():
        locked = enrolment_locked(enrolment.pk)
        move = ENROLMENT_MACHINE.move(locked, to, actor=actor, reason=reason, fields={"reason": reason})
        _audit(action, actor=actor, target=locked, changes=move.changes, metadata={"reason": reason})
    return locked


def enrolment_pause(*, enrolment: Enrolment, actor, reason: str = "") -> Enrolment:
    """A break (the seat is kept; no attendance is taken meanwhile)."""
    return _pause_or_resume(enrolment, to=S.PAUSED, actor=actor, reason=(reason or "").strip(),
                            action="academy.enrolment_paused")


def enrolment_resume(*, enrolment: Enrolment, actor, reason: str = "") -> Enrolment:
    return _pause_or_resume(enrolment, to=S.ACTIVE, actor=actor, reason=(reason or "").strip(),
                            action="academy.enrolment_resumed")
