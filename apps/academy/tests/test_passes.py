"""Passes: a catalog item sold as a number of sessions or a period for the classes of a
course billed per pass; bought through an order (active once paid, from the local day
of payment); attendance uses them (present or late takes a session of the pass that
expires first, absent or excused gives it back, the last one uses it up); a student
without a usable pass cannot be marked present and nothing is written; a refund follows
the academy's rule and goes through the payment provider."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from apps.academy.errors import PassExpired, PassNotRefundable, PassPlanInvalid, PassRequired
from apps.academy.models import Attendance, Enrolment, Pass, PassPlan, PassUse, Session, TuitionInvoice
from apps.academy.services import attendance_check_in, attendance_take, course_details_set, enrolment_create
from apps.academy.services.passes import pass_buy, pass_plan_set, pass_refund
from apps.academy.services.tuition import academy_settings_update
from apps.audit.models import AuditEvent
from apps.catalog.models import Item
from apps.core.errors import InvalidData
from apps.events.models import Event
from apps.orders.models import Order
from apps.payments import sandbox
from apps.payments.errors import ProviderError
from apps.payments.models import Refund

from .conftest import audit_actions, events_named, make_class, make_course, make_student
from .test_enrolments import dispatch
from .test_tuition import pay_order, seoul

JAN_4 = dt.date(2027, 1, 4)  # a Monday
BOUGHT = seoul(2027, 1, 4, 9, 0)


def make_pass_item(name: str = "10-session pass", price: int = 90000):
    return Item.objects.create(kind=Item.Kind.SERVICE, name=name, price=price, vat_rate=0)


@pytest.fixture
def pool(alpha, teacher, branch):
    """Swimming (billed per pass) on Mondays and Wednesdays from 4 January 2027, its
    sessions of the first two weeks, and a 10-session pass for it (90,000, 60 days)."""
    swimming = make_course("Swimming", price=0)
    course_details_set(item=swimming, actor=alpha, subject="Swimming", billing="pass")
    klass = make_class(teacher=teacher, branch=branch, course=swimming, actor=alpha, starts_on=JAN_4, room="Pool")
    from apps.academy.services import sessions_generate

    sessions_generate(today=JAN_4, horizon_days=14)
    plan = pass_plan_set(item=make_pass_item(), kind="count", sessions=10, valid_days=60, course=swimming,
                         actor=alpha)
    sessions = list(Session.objects.filter(klass=klass, starts_at__lt=seoul(2027, 1, 18, 0, 0))
                    .order_by("starts_at"))
    assert [s.starts_at.astimezone(seoul(2027, 1, 1).tzinfo).day for s in sessions] == [4, 6, 11, 13]
    return {"course": swimming, "class": klass, "plan": plan, "sessions": sessions}


def enrolled(pool, name: str = "Kim Jihoon", **extra):
    student = make_student(name, **extra)
    enrolment = enrolment_create(student=student, klass=pool["class"], actor=None)
    assert (enrolment.status, enrolment.order_id) == ("active", None)  # no order: the passes pay
    return student


def bought(plan, student, *, when=BOUGHT, card: str = "card_success") -> Pass:
    """A pass bought and paid at `when` (Seoul)."""
    with time_machine.travel(when):
        made = pass_buy(plan=plan, student=student, actor=None)
        pay_order(made.order, card=card)
    made.refresh_from_db()
    assert made.status == "active"
    return made


def unchanged() -> tuple:
    return (list(Attendance.objects.order_by("pk").values_list("pk", "status")),
            list(Pass.objects.order_by("pk").values_list("pk", "status", "sessions_used", "refunded_amount")),
            PassUse.objects.count(), Event.objects.count(), AuditEvent.objects.count())


# --- Plans ------------------------------------------------------------------------------


def test_a_pass_plan_is_an_item_that_is_not_a_course_for_a_course_billed_per_pass(alpha, pool):
    monthly = make_course("Math", price=220000)
    item = make_pass_item("Math pass")
    before = (list(PassPlan.objects.values_list("pk", flat=True)), AuditEvent.objects.count())
    with pytest.raises(PassPlanInvalid) as refused:
        pass_plan_set(item=item, kind="count", sessions=8, valid_days=30, course=monthly, actor=alpha)
    assert (refused.value.status, refused.value.code, refused.value.details) == (
        422, "academy_pass_plan_invalid", {"item": item.pk, "course": monthly.pk})
    with pytest.raises(PassPlanInvalid) as refused:
        pass_plan_set(item=pool["course"], kind="count", sessions=8, valid_days=30, course=None, actor=alpha)
    assert refused.value.details == {"item": pool["course"].pk}
    for sessions in (None, 0):
        with pytest.raises(InvalidData) as refused:
            pass_plan_set(item=item, kind="count", sessions=sessions, valid_days=30, course=None, actor=alpha)
        assert list(refused.value.details) == ["sessions"]
    assert (list(PassPlan.objects.values_list("pk", flat=True)), AuditEvent.objects.count()) == before

    made = pass_plan_set(item=item, kind="period", sessions=12, valid_days=30, course=None, actor=alpha)
    assert (made.kind, made.sessions, made.valid_days, made.course_id) == ("period", None, 30, None)
    changed = pass_plan_set(item=item, kind="count", sessions=12, valid_days=45, course=pool["course"], actor=alpha)
    assert changed.pk == made.pk and (changed.kind, changed.sessions, changed.valid_days) == ("count", 12, 45)
    audits = AuditEvent.objects.filter(action="academy.pass_plan_set", target_id=str(made.pk)).order_by("pk")
    assert [(row.metadata["kind"], row.metadata["sessions"], row.metadata["created"]) for row in audits] == [
        ("period", None, True), ("count", 12, False)]


# --- Buying -----------------------------------------------------------------------------


def test_a_pass_is_pending_until_its_order_is_paid_then_valid_from_that_day(alpha, pool):
    student = enrolled(pool)
    with time_machine.travel(seoul(2027, 1, 4, 9, 0)):
        made = pass_buy(plan=pool["plan"], student=student, actor=alpha)
    order = made.order
    assert (made.status, made.price, made.sessions_total, made.sessions_used, made.valid_from, made.bought_by_id) == (
        "pending_payment", 90000, 10, 0, None, alpha.pk)
    assert (order.kind, order.total, order.customer_id, order.status) == ("order", 90000, student.pk, "placed")
    assert [(line.item_id, line.quantity) for line in order.lines.all()] == [(pool["plan"].item_id, 1)]
    assert not TuitionInvoice.objects.exists() and not Enrolment.objects.exclude(order=None).exists()
    with pytest.raises(PassRequired):  # not paid yet: not usable
        attendance_take(session=pool["sessions"][0], actor=alpha, records=[{"student": student, "status": "present"}])

    with time_machine.travel(seoul(2027, 1, 4, 23, 30)):  # paid late in the evening, Seoul time
        pay_order(order)
    made.refresh_from_db()
    assert (made.status, made.valid_from, made.valid_until) == ("active", JAN_4, dt.date(2027, 3, 4))  # 60 days
    assert dt.timedelta(0) <= made.activated_at - seoul(2027, 1, 4, 23, 30) < dt.timedelta(minutes=1)
    assert audit_actions("academy.pass")[-2:] == ["academy.pass_created", "academy.pass_activated"]
    activated = AuditEvent.objects.get(action="academy.pass_activated")
    assert (activated.changes, activated.metadata) == ({"status": ["pending_payment", "active"]},
                                                       {"valid_from": "2027-01-04", "valid_until": "2027-03-04"})
    (event,) = events_named("academy.pass_activated")
    assert event.data == {"pass": {"id": made.pk, "name": "10-session pass", "sessions_total": 10,
                                   "sessions_used": 0, "valid_from": "2027-01-04", "valid_until": "2027-03-04"},
                          "customer": {"id": student.pk, "name": "Kim Jihoon"}}


def test_an_unpaid_pass_whose_order_is_cancelled_is_cancelled_and_a_free_one_is_active_at_once(alpha, pool):
    from apps.orders.services import order_cancel

    student = enrolled(pool)
    made = pass_buy(plan=pool["plan"], student=student, actor=alpha)
    order_cancel(order=made.order, actor=alpha, reason="Changed their mind", by_customer=False)
    dispatch("order.cancelled")
    made.refresh_from_db()
    assert (made.status, made.reason) == ("cancelled", "Changed their mind") and made.closed_at
    trial = pass_plan_set(item=make_pass_item("Free trial", price=0), kind="count", sessions=1, valid_days=7,
                          course=None, actor=alpha)
    free = pass_buy(plan=trial, student=student, actor=alpha)
    assert (free.status, free.price, free.order.total, free.sessions_total) == ("active", 0, 0, 1)
    assert free.valid_until - free.valid_from == dt.timedelta(days=6)


# --- Attendance uses them ---------------------------------------------------------------


def test_present_uses_a_session_absent_gives_it_back_and_the_last_one_uses_the_pass_up(alpha, pool):
    student = enrolled(pool)
    two = pass_plan_set(item=make_pass_item("2-session pass", price=20000), kind="count", sessions=2, valid_days=30,
                        course=None, actor=alpha)
    held = bought(two, student)
    first, second, third, _fourth = pool["sessions"]

    def mark(session, status):
        return attendance_take(session=session, actor=alpha, records=[{"student": student, "status": status}])

    def used():
        held.refresh_from_db()
        return held.status, held.sessions_used, PassUse.objects.filter(student_pass=held).count()

    mark(first, "present")
    assert used() == ("active", 1, 1)
    assert PassUse.objects.get().attendance == Attendance.objects.get(session=first)
    mark(first, "late")  # still attending: the same session of the pass
    assert used() == ("active", 1, 1)
    mark(first, "absent")
    assert used() == ("active", 0, 0)
    mark(first, "excused")
    assert used() == ("active", 0, 0)
    mark(first, "present")
    mark(second, "late")
    assert used() == ("used_up", 2, 2) and held.closed_at is not None
    before = unchanged()
    with pytest.raises(PassRequired) as refused:  # nothing left
        mark(third, "present")
    assert (refused.value.status, refused.value.details) == (
        409, {"student": student.pk, "class": pool["class"].pk, "session": third.pk})
    assert "Kim Jihoon" in str(refused.value.message)
    assert unchanged() == before
    mark(second, "excused")  # the session comes back, and the pass with it
    assert used() == ("active", 1, 1) and held.closed_at is None
    mark(third, "present")
    assert used() == ("used_up", 2, 2)
    assert [e.data["attendance"]["status"] for e in events_named("academy.attendance_marked")] == [
        "late", "absent", "late"]


def test_the_pass_that_expires_first_is_used(alpha, pool):
    student = enrolled(pool)
    month = pass_plan_set(item=make_pass_item("A month of swimming", price=150000), kind="period", sessions=None,
                          valid_days=30, course=pool["course"], actor=alpha)
    count = bought(pool["plan"], student)  # until 4 March
    period = bought(month, student)  # until 2 February
    for session in pool["sessions"][:3]:
        attendance_take(session=session, actor=alpha, records=[{"student": student, "status": "present"}])
    count.refresh_from_db(), period.refresh_from_db()
    assert (period.sessions_total, period.sessions_used, period.status) == (None, 3, "active")
    assert count.sessions_used == 0


def test_no_pass_or_an_expired_pass_refuses_attendance_and_writes_nothing(alpha, pool):
    nopass, expired, holder = enrolled(pool, "No Pass"), enrolled(pool, "Old Pass"), enrolled(pool, "Holder")
    stale = bought(pool["plan"], expired, when=seoul(2026, 11, 1, 9, 0))
    Pass.objects.filter(pk=stale.pk).update(valid_until=dt.date(2026, 12, 31))
    held = bought(pool["plan"], holder)
    session = pool["sessions"][0]
    before = unchanged()
    with pytest.raises(PassRequired) as refused:
        attendance_take(session=session, actor=alpha, records=[{"student": nopass, "status": "present"}])
    assert (refused.value.status, refused.value.code) == (409, "academy_pass_required")
    with pytest.raises(PassExpired) as refused:
        attendance_take(session=session, actor=alpha, records=[{"student": expired, "status": "late"}])
    assert (refused.value.status, refused.value.code, refused.value.details) == (
        409, "academy_pass_expired", {"student": expired.pk, "pass": stale.pk, "valid_until": "2026-12-31",
                                      "session": session.pk})
    assert "Old Pass" in str(refused.value.message) and "2026-12-31" in str(refused.value.message)
    with pytest.raises(PassRequired):  # one student without a pass: the holder is not marked either
        attendance_take(session=session, actor=alpha, records=[{"student": holder, "status": "present"},
                                                               {"student": nopass, "status": "present"}])
    code = session.check_in_code
    with pytest.raises(PassRequired):
        attendance_check_in(code=code, student=nopass, now=session.starts_at)
    with pytest.raises(PassExpired):
        attendance_check_in(code=code, student=expired, now=session.starts_at)
    assert unchanged() == before
    assert not Attendance.objects.exists() and not events_named("academy.attendance_marked")

    # absent needs no pass; the holder checks in at the kiosk and uses a session
    attendance_take(session=session, actor=alpha, records=[{"student": nopass, "status": "absent"}])
    row = attendance_check_in(code=code, student=holder, now=session.starts_at + dt.timedelta(minutes=1))
    held.refresh_from_db()
    assert (row.status, row.source, held.sessions_used, row.pass_use.student_pass_id) == (
        "present", "kiosk", 1, held.pk)
    with pytest.raises(PassRequired):
        attendance_take(session=session, actor=alpha, records=[{"student": nopass, "status": "present"}])
    assert Attendance.objects.get(student=nopass).status == "absent"


# --- Refunds ----------------------------------------------------------------------------


@pytest.mark.parametrize("rule,used,amount", [
    ("statutory", 0, 90000),  # not started: all of it
    ("statutory", 2, 60000),  # before a third: two thirds
    ("statutory", 4, 45000),  # before half: half
    ("statutory", 5, 0),  # half used: nothing
    ("proportional", 3, 63000),
    ("proportional", 9, 9000),
    ("none", 0, 0),
])
def test_a_refund_follows_the_academy_s_rule_through_the_provider(alpha, pool, rule, used, amount):
    academy_settings_update(actor=alpha, pass_refund_rule=rule)
    student = enrolled(pool)
    held = bought(pool["plan"], student)
    Pass.objects.filter(pk=held.pk).update(sessions_used=used)
    with time_machine.travel(seoul(2027, 1, 20, 10, 0)):
        refunded = pass_refund(student_pass=held, actor=alpha, reason=" Moving away ")
    status = "refunded" if amount else "cancelled"
    assert (refunded.status, refunded.refunded_amount, refunded.reason) == (status, amount, "Moving away")
    assert dt.timedelta(0) <= refunded.closed_at - seoul(2027, 1, 20, 10, 0) < dt.timedelta(minutes=1)
    order = Order.objects.get(pk=held.order_id)
    payment = order.payments.get()
    assert (order.paid_amount, order.refunded_amount) == (90000, amount)
    assert sandbox.session(payment.reference)["refunded"] == amount  # the provider's own books
    assert list(Refund.objects.filter(payment=payment).values_list("amount", "status")) == (
        [(amount, "succeeded")] if amount else [])
    action = "academy.pass_refunded" if amount else "academy.pass_cancelled"
    audit = AuditEvent.objects.get(action=action, target_id=str(held.pk))
    assert (audit.actor_id, audit.changes, audit.metadata) == (
        alpha.pk, {"status": ["active", status]},
        {"rule": rule, "amount": amount, "sessions_used": used, "reason": "Moving away"})

    before = unchanged()
    with pytest.raises(PassNotRefundable) as refused:
        pass_refund(student_pass=held, actor=alpha, reason="Again")
    assert (refused.value.status, refused.value.details) == (409, {"pass": held.pk, "status": status})
    assert unchanged() == before


@pytest.mark.parametrize("day,amount", [(4, 60000), (11, 60000), (12, 45000), (16, 45000), (17, 0)])
def test_a_period_pass_is_used_by_the_days_gone(alpha, pool, day, amount):
    month = pass_plan_set(item=make_pass_item("A month of swimming", price=90000), kind="period", sessions=None,
                          valid_days=27, course=None, actor=alpha)
    held = bought(month, enrolled(pool))  # 4 to 30 January: a third gone on the 12th, over half on the 17th
    with time_machine.travel(seoul(2027, 1, day, 10, 0)):
        refunded = pass_refund(student_pass=held, actor=alpha, reason="Moving away")
    assert (refunded.refunded_amount, refunded.status) == (amount, "refunded" if amount else "cancelled")


def test_a_refund_the_provider_refuses_leaves_the_pass_active(alpha, pool):
    student = enrolled(pool)
    held = bought(pool["plan"], student, card="card_refund_fails")
    with pytest.raises(ProviderError) as refused:
        pass_refund(student_pass=held, actor=alpha, reason="Moving away")
    assert refused.value.details["reason"] == "refund_rejected_by_issuer"
    held.refresh_from_db()
    assert (held.status, held.refunded_amount, held.reason, held.closed_at) == ("active", 0, "", None)
    order = Order.objects.get(pk=held.order_id)
    assert (order.refunded_amount, list(Refund.objects.values_list("status", flat=True))) == (0, ["failed"])
    assert audit_actions("academy.pass")[-2:] == ["academy.pass_refunded", "academy.pass_refund_failed"]
    failed = AuditEvent.objects.get(action="academy.pass_refund_failed")
    assert (failed.changes, failed.metadata) == ({"status": ["refunded", "active"]}, {"amount": 90000})


def test_only_an_active_pass_is_refunded_and_a_reason_is_needed(alpha, pool):
    student = enrolled(pool)
    pending = pass_buy(plan=pool["plan"], student=student, actor=alpha)
    held = bought(pool["plan"], student)
    before = unchanged()
    with pytest.raises(PassNotRefundable) as refused:
        pass_refund(student_pass=pending, actor=alpha, reason="Moving away")
    assert refused.value.details == {"pass": pending.pk, "status": "pending_payment"}
    for reason in ("", "  "):
        with pytest.raises(InvalidData) as refused:
            pass_refund(student_pass=held, actor=alpha, reason=reason)
        assert list(refused.value.details) == ["reason"]
    assert unchanged() == before


def test_a_pass_whose_order_is_refunded_elsewhere_keeps_count_and_closes_when_all_came_back(alpha, pool):
    from apps.payments.services import refund_create

    held = bought(pool["plan"], enrolled(pool))
    order = Order.objects.get(pk=held.order_id)
    refund_create(order=order, amount=30000, reason="Goodwill", idempotency_key="desk-1", actor=alpha)
    dispatch("refund.succeeded")
    held.refresh_from_db()
    assert (held.status, held.refunded_amount) == ("active", 30000)  # still usable: a part came back
    refund_create(order=order, amount=60000, reason="Cancelled at the desk", idempotency_key="desk-2", actor=alpha)
    dispatch("refund.succeeded")
    held.refresh_from_db()
    assert (held.status, held.refunded_amount, held.reason) == ("refunded", 90000, "The pass's order was refunded.")
    with pytest.raises(PassNotRefundable):  # closed: nothing more to refund, and not used on
        pass_refund(student_pass=held, actor=alpha, reason="Again")
    with pytest.raises(PassRequired):
        attendance_take(session=pool["sessions"][0], records=[{"student": held.student_id, "status": "present"}],
                        actor=alpha)


def test_a_pass_refund_after_a_part_refund_elsewhere_gives_only_the_rest(alpha, pool):
    from apps.payments.services import refund_create

    held = bought(pool["plan"], enrolled(pool))
    refund_create(order=Order.objects.get(pk=held.order_id), amount=30000, reason="Goodwill",
                  idempotency_key="desk-1", actor=alpha)
    dispatch("refund.succeeded")
    held.refresh_from_db()
    with time_machine.travel(BOUGHT):  # nothing used: the rest of the price comes back
        refunded = pass_refund(student_pass=held, actor=alpha, reason="Moving away")
    assert (refunded.status, refunded.refunded_amount) == ("refunded", 90000)
    assert Order.objects.get(pk=held.order_id).refunded_amount == 90000


def test_a_pass_plan_s_days_and_sessions_are_checked_by_the_service(alpha, pool):
    from django.core.exceptions import ValidationError

    item = make_pass_item("Math pass")
    before = (list(PassPlan.objects.values_list("pk", flat=True)), AuditEvent.objects.count())
    for values in ({"kind": "count", "sessions": 10, "valid_days": 0}, {"kind": "count", "sessions": 501,
                                                                          "valid_days": 30},
                   {"kind": "weekly", "sessions": None, "valid_days": 30}):
        with pytest.raises(ValidationError):
            pass_plan_set(item=item, course=None, actor=alpha, **values)
    assert (list(PassPlan.objects.values_list("pk", flat=True)), AuditEvent.objects.count()) == before
