"""Passes: a number of sessions or a period, sold as catalog items for the classes of
courses billed per pass. Bought through an order (pending payment until it is paid);
attendance uses them (present or late takes a session of the pass that expires first;
absent or excused gives it back); a refund of an active pass goes through the payment
provider, pro-rated by the academy's rule (AcademySettings.pass_refund_rule)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.models import Item
from apps.core.changes import model_update
from apps.core.clock import workspace_today
from apps.core.errors import InvalidData, PlatformError

from .. import events
from ..errors import PassExpired, PassNotRefundable, PassPlanInvalid, PassRequired
from ..models import AcademySettings, Attendance, CourseDetails, Pass, PassPlan, PassUse, Session
from .common import _audit, academy_order, branch_offering
from .tuition import academy_settings

P = Pass.Status
CONSUMING = (Attendance.Status.PRESENT, Attendance.Status.LATE)


def pass_plan_set(*, item: Item, kind: str, sessions: int | None, valid_days: int, course: Item | None,
                  actor) -> PassPlan:
    """Sell `item` as a pass (or change what it gives)."""
    if course is not None and not CourseDetails.objects.filter(item=course,
                                                                billing=CourseDetails.Billing.PASS).exists():
        raise PassPlanInvalid(details={"item": item.pk, "course": course.pk})
    if item.kind == Item.Kind.COURSE:
        raise PassPlanInvalid(details={"item": item.pk})
    if kind == PassPlan.Kind.COUNT and not sessions:
        raise InvalidData(details={"sessions": [_("A pass of a number of sessions needs that number.")]})
    with transaction.atomic():
        plan = PassPlan.objects.select_for_update().filter(item=item).first()
        made = plan is None
        plan = plan or PassPlan(item=item)
        plan.kind, plan.valid_days, plan.course = kind, valid_days, course
        plan.sessions = sessions if kind == PassPlan.Kind.COUNT else None
        plan.full_clean()  # kind, the ranges of sessions and days (a Django ValidationError reads as InvalidData)
        plan.save()
        _audit("academy.pass_plan_set", actor=actor, target=plan,
               metadata={"item": item.pk, "kind": kind, "sessions": plan.sessions, "valid_days": valid_days,
                         "course": getattr(course, "pk", None), "created": made})
    return plan


def _locked(pass_id: int) -> Pass:
    return Pass.objects.select_for_update(of=("self",)).select_related("plan__item", "student").get(pk=pass_id)


def _activate(locked: Pass, *, actor, on: dt.date | None = None) -> None:
    today = on or workspace_today()
    locked.status, locked.activated_at = P.ACTIVE, timezone.now()
    locked.valid_from, locked.valid_until = today, today + dt.timedelta(days=locked.plan.valid_days - 1)
    locked.save(update_fields=["status", "activated_at", "valid_from", "valid_until"])
    _audit("academy.pass_activated", actor=actor, target=locked,
           changes={"status": [P.PENDING_PAYMENT, P.ACTIVE]},
           metadata={"valid_from": locked.valid_from.isoformat(), "valid_until": locked.valid_until.isoformat()})
    from apps.events.services import event_record

    event_record(events.PASS_ACTIVATED.name, {"pass": events.pass_data(locked),
                                              "customer": events.customer_data(locked.student)})


def pass_buy(*, plan: PassPlan, student, actor) -> Pass:
    """A pass for `student`, pending payment with its order (active at once when there is
    nothing to pay). Pay the order with /api/v1/orders/{id}/pay/."""
    from apps.orders.models import Order

    if student.deleted_at is not None:
        raise InvalidData(details={"student": [_("This customer was deleted.")]})
    with transaction.atomic(durable=True):
        made = Pass.objects.create(plan=plan, student=student, status=P.PENDING_PAYMENT,
                                   sessions_total=plan.sessions, currency=plan.item.currency,
                                   bought_by=actor if getattr(actor, "is_authenticated", False) else None)
        _audit("academy.pass_created", actor=actor, target=made, metadata={"plan": plan.pk, "student": student.pk})
    try:
        order = academy_order(key=f"pass-{made.pk}", customer=student, item_id=plan.item_id,
                              branch=branch_offering(plan.item, student.branch), kind=Order.Kind.ORDER, actor=actor)
    except PlatformError:
        Pass.objects.filter(pk=made.pk).update(status=P.CANCELLED, closed_at=timezone.now(),
                                               reason=_("The order could not be placed."))
        raise
    with transaction.atomic():
        locked = _locked(made.pk)
        locked.order, locked.price = order, order.total
        locked.save(update_fields=["order", "price"])
        if order.total <= 0:
            _activate(locked, actor=actor)
    return locked


def pass_activate_paid(*, order, on: dt.date | None = None) -> Pass | None:
    """The pass bought by `order` is paid in full: usable from today (local), or from
    `on` (a pass sold at the desk on an earlier day and recorded now)."""
    with transaction.atomic():
        found = Pass.objects.filter(order_id=order.pk).values_list("pk", flat=True).first()
        if found is None:
            return None
        locked = _locked(found)
        if locked.status == P.PENDING_PAYMENT and order.paid_amount >= order.total:
            _activate(locked, actor=None, on=on)
    return locked


def pass_cancel_unpaid(*, order, reason: str) -> None:
    """The pass's order was cancelled before it was paid."""
    with transaction.atomic():
        for locked in Pass.objects.select_for_update().filter(order_id=order.pk, status=P.PENDING_PAYMENT):
            locked.status, locked.closed_at, locked.reason = P.CANCELLED, timezone.now(), reason
            locked.save(update_fields=["status", "closed_at", "reason"])
            _audit("academy.pass_cancelled", actor=None, target=locked, changes={"status": [P.PENDING_PAYMENT,
                                                                                         P.CANCELLED]},
                   metadata={"reason": reason})


def pass_refunded_elsewhere(*, order) -> None:
    """The pass's order was refunded outside pass_refund (the customer cancelled it, staff
    refunded the order): the pass records what came back (a later pass_refund gives only
    the rest) and, once all of it came back, closes so that it is not used on."""
    with transaction.atomic():
        for locked in Pass.objects.select_for_update().filter(order_id=order.pk,
                                                               status__in=(P.ACTIVE, P.USED_UP)):
            data = {"refunded_amount": min(order.refunded_amount, locked.price)}
            if order.refunded_amount >= order.paid_amount:
                data.update(status=P.REFUNDED, closed_at=timezone.now(),
                            reason=locked.reason or _("The pass's order was refunded."))
            changes = model_update(locked, data=data, fields=list(data), clean=False)
            if changes:
                _audit("academy.pass_refunded", actor=None, target=locked, changes=changes,
                       metadata={"order": order.pk, "by": "order_refund"})


# --- Use by attendance -----------------------------------------------------------------


def _usable(student_id: int, course_id: int):
    return (Pass.objects.filter(student_id=student_id, status=P.ACTIVE)
            .filter(Q(plan__course_id=course_id) | Q(plan__course__isnull=True)))


def pass_use(*, attendance: Attendance, session: Session) -> None:
    """Take a session of the student's pass that expires first (valid on the session's
    local date, with a session left). PassExpired / PassRequired otherwise: the caller's
    transaction is rolled back, nothing changes."""
    if PassUse.objects.filter(attendance=attendance).exists():
        return
    klass = session.klass
    day = session.starts_at.astimezone(events.zone_of(klass.branch)).date()
    candidates = _usable(attendance.student_id, klass.course_id)
    chosen = (candidates.select_for_update(of=("self",)).filter(valid_from__lte=day, valid_until__gte=day)
              .filter(Q(sessions_total__isnull=True) | Q(sessions_used__lt=F("sessions_total")))
              .order_by("valid_until", "id").first())
    if chosen is None:
        name = attendance.student.name
        stale = candidates.filter(Q(valid_from__gt=day) | Q(valid_until__lt=day)).order_by("-valid_until").first()
        if stale is not None:
            raise PassExpired(PassExpired.message % {"student": name, "valid_from": stale.valid_from,
                                                     "valid_until": stale.valid_until},
                              details={"student": attendance.student_id, "pass": stale.pk,
                                       "valid_until": stale.valid_until.isoformat(), "session": session.pk})
        raise PassRequired(PassRequired.message % {"student": name},
                           details={"student": attendance.student_id, "class": klass.pk, "session": session.pk})
    PassUse.objects.create(student_pass=chosen, attendance=attendance)
    chosen.sessions_used += 1
    fields = ["sessions_used"]
    if chosen.sessions_total is not None and chosen.sessions_used >= chosen.sessions_total:
        chosen.status, chosen.closed_at = P.USED_UP, timezone.now()
        fields += ["status", "closed_at"]
    chosen.save(update_fields=fields)


def pass_give_back(*, attendance: Attendance) -> None:
    """The attendance no longer counts (absent or excused): its session goes back."""
    use = PassUse.objects.select_related("student_pass").filter(attendance=attendance).first()
    if use is None:
        return
    locked = Pass.objects.select_for_update().get(pk=use.student_pass_id)
    use.delete()
    locked.sessions_used = max(0, locked.sessions_used - 1)
    fields = ["sessions_used"]
    if locked.status == P.USED_UP:
        locked.status, locked.closed_at = P.ACTIVE, None
        fields += ["status", "closed_at"]
    locked.save(update_fields=fields)


def attendance_billing(*, attendance: Attendance, session: Session, before: str | None) -> None:
    """Keep the pass in step with a written attendance of a class billed per pass (the
    caller asks `billed_per_pass` once per session)."""
    if attendance.status in CONSUMING:
        pass_use(attendance=attendance, session=session)
    elif before in CONSUMING:
        pass_give_back(attendance=attendance)


# --- Refunds ----------------------------------------------------------------------------


def used_share(student_pass: Pass, today: dt.date) -> Fraction:
    """How much of the pass is used: sessions for a count pass, days for a period pass."""
    if student_pass.sessions_total:
        return Fraction(student_pass.sessions_used, student_pass.sessions_total)
    days = student_pass.plan.valid_days
    elapsed = (min(today, student_pass.valid_until) - student_pass.valid_from).days + 1 if today >= \
        student_pass.valid_from else 0
    return Fraction(max(0, elapsed), days)


def refund_amount(student_pass: Pass, *, rule: str, today: dt.date) -> int:
    """What comes back of the pass's price under `rule`."""
    price, used = student_pass.price - student_pass.refunded_amount, used_share(student_pass, today)
    if rule == AcademySettings.RefundRule.NONE or used >= 1:
        return 0
    if rule == AcademySettings.RefundRule.PROPORTIONAL:
        return int(price * (1 - used))
    if used == 0:
        return price
    if used < Fraction(1, 3):
        return price * 2 // 3
    if used < Fraction(1, 2):
        return price // 2
    return 0


def pass_refund(*, student_pass: Pass, actor, reason: str) -> Pass:
    """Close an active pass and give back its share of the price by the academy's rule,
    through the payment provider (a refused refund leaves the pass active). Nothing to
    give back closes it as cancelled."""
    from apps.payments.services import refund_create

    reason = (reason or "").strip()
    if not reason:
        raise InvalidData(details={"reason": [_("Say why the pass is refunded.")]})
    rule = academy_settings().pass_refund_rule
    with transaction.atomic():
        locked = _locked(student_pass.pk)
        if locked.status != P.ACTIVE:
            raise PassNotRefundable(details={"pass": locked.pk, "status": locked.status})
        amount = refund_amount(locked, rule=rule, today=workspace_today())
        to, earlier = (P.REFUNDED if amount else P.CANCELLED), locked.refunded_amount  # earlier: refunded elsewhere
        locked.status, locked.closed_at, locked.reason = to, timezone.now(), reason
        locked.refunded_amount = earlier + amount
        locked.save(update_fields=["status", "refunded_amount", "closed_at", "reason"])
        _audit("academy.pass_refunded" if amount else "academy.pass_cancelled", actor=actor, target=locked,
               changes={"status": [P.ACTIVE, to]},
               metadata={"rule": rule, "amount": amount, "sessions_used": locked.sessions_used, "reason": reason})
    if amount and locked.order_id:
        try:
            refund_create(order=locked.order, amount=amount, reason=reason, idempotency_key=f"pass-refund-{locked.pk}",
                          actor=actor)
        except PlatformError:
            with transaction.atomic():
                back = _locked(locked.pk)
                back.status, back.refunded_amount, back.closed_at, back.reason = P.ACTIVE, earlier, None, ""
                back.save(update_fields=["status", "refunded_amount", "closed_at", "reason"])
                _audit("academy.pass_refund_failed", actor=actor, target=back, changes={"status": [to, P.ACTIVE]},
                       metadata={"amount": amount})
            raise
    return locked
