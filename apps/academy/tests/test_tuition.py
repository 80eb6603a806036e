"""Monthly tuition: what a month costs (the share of the month's sessions a student can
still attend, holidays left out; a month with nothing left moves the first bill to the
next one; the sibling discount for every child of a family but the first), the beat
issuing each month's invoices on the billing day (once), the front desk recording a cash
payment (which gives a pending enrolment its seat), voiding, and overdue reminders."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.academy.errors import TuitionNotDue, TuitionNotOpen
from apps.academy.models import Enrolment, TuitionInvoice
from apps.academy.services import (
    course_details_set,
    enrolment_create,
    enrolment_pause,
    enrolment_withdraw,
    holiday_create,
)
from apps.academy.services.tuition import (
    academy_settings,
    academy_settings_update,
    tuition_first_quote,
    tuition_issue,
    tuition_issue_due,
    tuition_quote,
    tuition_record_payment,
    tuition_remind_overdue,
    tuition_void,
)
from apps.audit.models import AuditEvent
from apps.core.errors import InvalidData
from apps.events.models import Event
from apps.orders.models import Order

from .conftest import audit_actions, events_named, make_class, make_course, make_student
from .test_enrolments import dispatch

SEOUL = ZoneInfo("Asia/Seoul")
APR_1, MAY_1 = dt.date(2026, 4, 1), dt.date(2026, 5, 1)
D = dt.date


def seoul(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def pay_order(order, *, card: str = "card_success"):
    """Pay `order` as a payer would: the provider's checkout (the sandbox's own books
    record the capture, so refunds are checked against them), then its report
    (payment_succeeded, what the signed webhook's handler calls) and the subscribers."""
    from apps.payments import sandbox
    from apps.payments.services import payment_start, payment_succeeded

    payment, _url = payment_start(order=order, actor=None)
    assert sandbox.session_pay(reference=payment.reference, card=card)["status"] == "paid"
    payment_succeeded(reference=payment.reference, amount=payment.amount, currency=payment.currency, method="card")
    dispatch("payment.succeeded")
    return payment


def quoted(quote) -> tuple:
    return (quote.period, quote.list_amount, quote.sessions_in_month, quote.sessions_billed, quote.proration,
            quote.sibling_discount, quote.total)


def snapshot() -> dict:
    return {"invoices": list(TuitionInvoice.objects.order_by("pk").values_list(
                "pk", "status", "paid_via", "reminders_sent", "total")),
            "orders": list(Order.objects.order_by("pk").values_list("pk", "status", "paid_amount")),
            "enrolments": list(Enrolment.objects.order_by("pk").values_list("pk", "status")),
            "audit": AuditEvent.objects.count(), "events": Event.objects.count()}


def make_coupon(code: str = "SIBLING10", **extra):
    from apps.coupons.models import Coupon

    return Coupon.objects.create(**{"code": code, "name": "Sibling discount", "kind": "percent", "percent": 10,
                                    **extra})


# --- What a month costs -----------------------------------------------------------------


def test_a_month_is_pro_rated_by_the_sessions_left_holidays_left_out(alpha, klass):
    """The class meets on Mondays and Wednesdays (from 2 March 2026, 220,000 a month)."""
    enrolment = enrolment_create(student=make_student(), klass=klass, actor=alpha)
    # March 2026: 2 4 9 11 16 18 23 25 30 (9 sessions); from Thursday 19th: 23 25 30
    assert quoted(tuition_quote(enrolment=enrolment, first_day=D(2026, 3, 1))) == (
        D(2026, 3, 1), 220000, 9, 9, 0, 0, 220000)
    march = tuition_quote(enrolment=enrolment, first_day=D(2026, 3, 19))
    assert quoted(march) == (D(2026, 3, 1), 220000, 9, 3, 146667, 0, 73333)  # 220,000 x 3/9, rounded down
    assert march.allowances() == [("proration", 146667), ("sibling", 0)]

    holiday_create(date=D(2026, 4, 15), name="Founding day", actor=alpha)  # a Wednesday
    # April 2026: 1 6 8 13 (15) 20 22 27 29: 8 sessions
    assert quoted(tuition_quote(enrolment=enrolment, first_day=APR_1)) == (APR_1, 220000, 8, 8, 0, 0, 220000)
    assert quoted(tuition_quote(enrolment=enrolment, first_day=D(2026, 4, 13))) == (
        APR_1, 220000, 8, 5, 82500, 0, 137500)  # 13 20 22 27 29
    assert quoted(tuition_quote(enrolment=enrolment, first_day=D(2026, 4, 14))) == (
        APR_1, 220000, 8, 4, 110000, 0, 110000)  # the holiday on the 15th is not billed
    assert quoted(tuition_quote(enrolment=enrolment, first_day=D(2026, 4, 29))) == (
        APR_1, 220000, 8, 1, 192500, 0, 27500)


def test_the_first_month_of_a_class_starting_mid_month_and_of_a_month_with_nothing_left(alpha, teacher, branch):
    later = make_class(teacher=teacher, branch=branch, actor=alpha, starts_on=D(2026, 4, 20))
    enrolment = enrolment_create(student=make_student(), klass=later, actor=alpha)
    # April 2026 has 9 Mondays and Wednesdays; the class meets on four of them (20 22 27 29)
    assert quoted(tuition_first_quote(enrolment=enrolment, since=D(2026, 3, 25))) == (
        APR_1, 220000, 9, 4, 122223, 0, 97777)
    # the 29th is the month's last session: one of nine; after it, May is billed in full
    assert quoted(tuition_first_quote(enrolment=enrolment, since=D(2026, 4, 29))) == (
        APR_1, 220000, 9, 1, 195556, 0, 24444)
    assert quoted(tuition_first_quote(enrolment=enrolment, since=D(2026, 4, 30))) == (
        MAY_1, 220000, 8, 8, 0, 0, 220000)


def test_an_enrolment_s_order_is_its_pro_rated_first_month(alpha, klass):
    holiday_create(date=D(2026, 4, 15), name="Founding day", actor=alpha)
    student = make_student()
    with time_machine.travel(seoul(2026, 4, 13, 10, 0)):
        enrolment = enrolment_create(student=student, klass=klass, actor=alpha)
    invoice = TuitionInvoice.objects.get(enrolment=enrolment)
    order = enrolment.order
    assert (order.kind, order.subtotal, order.total, order.customer_id) == ("enrolment", 220000, 137500, student.pk)
    assert (invoice.period, invoice.list_amount, invoice.sessions_in_month, invoice.sessions_billed,
            invoice.proration, invoice.sibling_discount, invoice.total, invoice.due_on, invoice.order_id,
            invoice.status) == (APR_1, 220000, 8, 5, 82500, 0, 137500, D(2026, 4, 20), order.pk, "open")
    created = AuditEvent.objects.get(action="order.created", target_id=str(order.pk))
    assert (created.metadata["allowances"], created.metadata["allowed"]) == ([["proration", 82500]], 82500)
    issued = AuditEvent.objects.get(action="academy.tuition_issued")
    assert issued.metadata == {"enrolment": enrolment.pk, "period": "2026-04-01", "total": 137500,
                               "proration": 82500, "sibling_discount": 0, "order": order.pk}
    (event,) = events_named("academy.tuition_issued")
    assert event.data["invoice"] | {"id": 0} == {"id": 0, "period": "2026-04", "total": 137500, "currency": "KRW",
                                                 "due_on": "2026-04-20", "status": "open", "order": order.pk,
                                                 "reminders_sent": 0}
    assert event.data["amount_display"] == {"en": "₩137,500", "ko": "₩137,500"}  # CLDR ko writes won so too

    # taking a seat after the month's last session: the order is May, in full
    with time_machine.travel(seoul(2026, 4, 30, 10, 0)):
        late = enrolment_create(student=make_student("Late Comer"), klass=klass, actor=alpha)
    invoice = TuitionInvoice.objects.get(enrolment=late)
    assert (late.order.total, invoice.period, invoice.proration, invoice.total, invoice.due_on) == (
        220000, MAY_1, 0, 220000, D(2026, 5, 8))


# --- Siblings ---------------------------------------------------------------------------


def test_the_sibling_discount_goes_to_every_child_but_the_first(alpha, klass):
    older = make_student("Kim Older", guardian_email="mother@academy.test")
    younger = make_student("Kim Younger", guardian_email="mother@academy.test")  # the same phone
    stranger = make_student("Park Stranger")
    coupon = make_coupon(total_limit=1)
    coupon.used_count = 1  # its usage limits do not apply
    coupon.save()
    academy_settings_update(actor=alpha, sibling_coupon=coupon)
    with time_machine.travel(seoul(2026, 5, 1, 10, 0)):  # May 2026: 8 sessions, all ahead
        first = enrolment_create(student=older, klass=klass, actor=alpha)
        second = enrolment_create(student=younger, klass=klass, actor=alpha)
        third = enrolment_create(student=stranger, klass=klass, actor=alpha)
    invoices = {row.student_id: row for row in TuitionInvoice.objects.all()}
    assert (invoices[older.pk].sibling_discount, invoices[older.pk].total, first.order.total) == (0, 220000, 220000)
    assert (invoices[younger.pk].sibling_discount, invoices[younger.pk].total, second.order.total) == (
        22000, 198000, 198000)
    assert (invoices[stranger.pk].sibling_discount, third.order.total) == (0, 220000)
    issued = AuditEvent.objects.get(action="academy.tuition_issued", target_id=str(invoices[younger.pk].pk))
    assert (issued.metadata["coupon"], issued.metadata["sibling_discount"]) == ("SIBLING10", 22000)
    created = AuditEvent.objects.get(action="order.created", target_id=str(second.order_id))
    assert created.metadata["allowances"] == [["sibling", 22000]] and "coupon" not in created.metadata
    coupon.refresh_from_db()
    assert coupon.used_count == 1  # not redeemed

    # pro-rated and discounted: June 2026 has 9 sessions, from the 22nd 3 (22 24 29)
    assert quoted(tuition_quote(enrolment=second, first_day=D(2026, 6, 22))) == (
        D(2026, 6, 1), 220000, 9, 3, 146667, 7333, 66000)  # 10% of 73,333, half up
    assert quoted(tuition_quote(enrolment=first, first_day=D(2026, 6, 1)))[5] == 0

    # no discount while the coupon is off or outside its dates, nor once the first child has left
    for number, change in enumerate(({"is_active": False}, {"valid_until": seoul(2026, 1, 1, 0, 0)},
                                     {"valid_from": seoul(2099, 1, 1, 0, 0)})):
        fresh = make_coupon(f"SIBLING-OFF-{number}", **change)
        academy_settings_update(actor=alpha, sibling_coupon=fresh)
        assert tuition_quote(enrolment=second, first_day=D(2026, 6, 1)).sibling_discount == 0, change
    academy_settings_update(actor=alpha, sibling_coupon=coupon)
    assert tuition_quote(enrolment=second, first_day=D(2026, 6, 1)).sibling_discount == 22000
    enrolment_withdraw(enrolment=first, actor=alpha, reason="Moved away")
    assert tuition_quote(enrolment=second, first_day=D(2026, 6, 1)).sibling_discount == 0


# --- The beat: issuing each month ---------------------------------------------------------


@pytest.fixture
def paying(alpha, klass):
    """Jihoon, active in `klass` since 1 December 2026 (paid), billed on the 10th."""
    with time_machine.travel(seoul(2026, 12, 1, 10, 0)):
        enrolment = enrolment_create(student=make_student("Kim Jihoon"), klass=klass, actor=alpha)
        pay_order(enrolment.order)
    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    academy_settings_update(actor=alpha, billing_day=10)
    return enrolment


def test_the_beat_issues_the_month_on_the_billing_day_once(alpha, klass, paying, teacher, branch):
    # who gets no invoice: a student pending payment, one paused, one withdrawn, a course billed per pass
    with time_machine.travel(seoul(2026, 12, 2, 10, 0)):
        pending = enrolment_create(student=make_student("Pending"), klass=klass, actor=alpha)
        paused = enrolment_create(student=make_student("Paused"), klass=klass, actor=alpha)
        pay_order(paused.order)
        enrolment_pause(enrolment=paused, actor=alpha, reason="Exams")
        left = enrolment_create(student=make_student("Left"), klass=klass, actor=alpha)
        pay_order(left.order)
        enrolment_withdraw(enrolment=left, actor=alpha)
        swimming = make_course("Swimming", price=150000)
        course_details_set(item=swimming, actor=alpha, subject="Swimming", billing="pass")
        pool = make_class(teacher=teacher, branch=branch, course=swimming, actor=alpha, weekdays=[5], room="Pool")
        swimmer = enrolment_create(student=make_student("Swimmer"), klass=pool, actor=alpha)
    assert (swimmer.status, swimmer.order_id) == ("active", None)  # billed per pass: no order, seated at once
    with pytest.raises(TuitionNotDue) as refused:
        tuition_issue(enrolment=swimmer, period=D(2027, 1, 1))
    assert (refused.value.status, refused.value.code) == (409, "academy_tuition_not_due")
    with pytest.raises(TuitionNotDue):
        tuition_issue(enrolment=pending, period=D(2027, 1, 1))
    january = TuitionInvoice.objects.filter(period=D(2027, 1, 1))

    with time_machine.travel(seoul(2027, 1, 9, 10, 0)):
        assert tuition_issue_due(today=D(2027, 1, 9)) == 0  # before the billing day
    assert not january.exists()
    with time_machine.travel(seoul(2027, 1, 10, 10, 0)):
        assert tuition_issue_due(today=D(2027, 1, 10)) == 1
        before = snapshot()
        assert tuition_issue_due(today=D(2027, 1, 10)) == 0  # already invoiced
        assert tuition_issue_due(today=D(2027, 1, 25)) == 0
        assert snapshot() == before
    (invoice,) = january
    order = invoice.order
    assert (invoice.enrolment_id, invoice.list_amount, invoice.sessions_in_month, invoice.sessions_billed,
            invoice.proration, invoice.total, invoice.due_on, invoice.status) == (
        paying.pk, 220000, 8, 8, 0, 220000, D(2027, 1, 17), "open")
    assert (order.kind, order.total, order.customer_id, order.branch_id) == (
        "tuition", 220000, paying.student_id, klass.branch_id)
    assert tuition_issue(enrolment=paying, period=D(2027, 1, 31)) == invoice  # the same month: the same invoice
    assert audit_actions("academy.tuition_issued").count("academy.tuition_issued") == 5  # 4 first months + January
    assert [e.data["invoice"]["period"] for e in events_named("academy.tuition_issued")][-1] == "2027-01"


# --- The front desk ---------------------------------------------------------------------


def test_a_cash_payment_pays_the_order_and_the_invoice_and_seats_the_student(alpha, klass):
    enrolment = enrolment_create(student=make_student(), klass=klass, actor=alpha)
    invoice = TuitionInvoice.objects.get(enrolment=enrolment)
    before = snapshot()
    with pytest.raises(InvalidData) as refused:
        tuition_record_payment(invoice=invoice, method="card", actor=alpha)
    assert list(refused.value.details) == ["method"]
    assert snapshot() == before

    paid = tuition_record_payment(invoice=invoice, method="cash", actor=alpha)
    assert (paid.status, paid.paid_via, paid.recorded_by_id) == ("paid", "cash", alpha.pk) and paid.paid_at
    order = Order.objects.get(pk=invoice.order_id)
    assert (order.paid_amount, order.payment_status) == (invoice.total, "paid")
    enrolment.refresh_from_db()
    assert enrolment.status == "active"
    assert audit_actions()[-3:] == ["academy.tuition_issued", "academy.tuition_paid", "academy.enrolment_activated"]
    assert AuditEvent.objects.filter(action="order.paid", target_id=str(order.pk)).count() == 1
    recorded = AuditEvent.objects.get(action="academy.tuition_paid")
    assert (recorded.actor_id, recorded.changes, recorded.metadata) == (
        alpha.pk, {"status": ["open", "paid"]}, {"via": "cash", "total": invoice.total, "order": order.pk})
    assert [e.data["invoice"]["status"] for e in events_named("academy.tuition_paid")] == ["paid"]

    before = snapshot()
    with pytest.raises(TuitionNotOpen) as refused:
        tuition_record_payment(invoice=invoice, method="transfer", actor=alpha)
    assert (refused.value.status, refused.value.code, refused.value.details) == (
        409, "academy_tuition_not_open", {"invoice": invoice.pk, "status": "paid"})
    assert snapshot() == before
    with pytest.raises(TuitionNotOpen):
        tuition_void(invoice=invoice, actor=alpha, reason="Wrong month")
    assert snapshot() == before


def test_a_month_s_invoice_paid_by_transfer_and_another_voided(alpha, klass, paying):
    with time_machine.travel(seoul(2027, 1, 10, 10, 0)):
        tuition_issue_due(today=D(2027, 1, 10))
    with time_machine.travel(seoul(2027, 2, 10, 10, 0)):
        tuition_issue_due(today=D(2027, 2, 10))
    january, february = TuitionInvoice.objects.filter(period__year=2027).order_by("period")
    assert tuition_record_payment(invoice=january, method="transfer", actor=alpha).paid_via == "transfer"
    assert Enrolment.objects.get(pk=paying.pk).status == "active"

    before = snapshot()
    for reason in ("", "   "):
        with pytest.raises(InvalidData) as refused:
            tuition_void(invoice=february, actor=alpha, reason=reason)
        assert list(refused.value.details) == ["reason"]
    assert snapshot() == before
    voided = tuition_void(invoice=february, actor=alpha, reason=" Left in January ")
    assert voided.status == "void" and Order.objects.get(pk=february.order_id).status == "cancelled"
    void = AuditEvent.objects.get(action="academy.tuition_void")
    assert (void.changes, void.metadata) == ({"status": ["open", "void"]},
                                             {"reason": "Left in January", "order": february.order_id})
    dispatch("order.cancelled")  # the order's cancellation reaches the academy: nothing more to do
    assert Enrolment.objects.get(pk=paying.pk).status == "active"
    assert TuitionInvoice.objects.get(pk=february.pk).status == "void"
    before = snapshot()
    with pytest.raises(TuitionNotOpen) as refused:
        tuition_record_payment(invoice=february, method="cash", actor=alpha)
    assert refused.value.details == {"invoice": february.pk, "status": "void"}
    with pytest.raises(TuitionNotOpen):
        tuition_void(invoice=february, actor=alpha, reason="Again")
    assert snapshot() == before


# --- Overdue reminders ------------------------------------------------------------------


def test_overdue_invoices_are_reminded_every_few_days_a_few_times(alpha, klass):
    academy_settings_update(actor=alpha, due_days=7, reminder_every_days=3, reminders_max=2)
    with time_machine.travel(seoul(2026, 5, 1, 10, 0)):
        unpaid = enrolment_create(student=make_student("Kim Jihoon", guardian_email="mother@academy.test"),
                                  klass=klass, actor=alpha)
        paid = enrolment_create(student=make_student("Park Sora"), klass=klass, actor=alpha)
    invoice = TuitionInvoice.objects.get(enrolment=unpaid)
    tuition_record_payment(invoice=TuitionInvoice.objects.get(enrolment=paid), method="cash", actor=alpha)
    assert invoice.due_on == D(2026, 5, 8)

    def remind(*when) -> int:
        return tuition_remind_overdue(now=dt.datetime(*when, 12, 0, tzinfo=dt.UTC))

    assert remind(2026, 5, 8) == 0  # due today: not overdue yet
    assert remind(2026, 5, 9) == 1
    invoice.refresh_from_db()
    assert (invoice.reminders_sent, invoice.reminded_at) == (1, dt.datetime(2026, 5, 9, 12, 0, tzinfo=dt.UTC))
    assert remind(2026, 5, 11) == 0  # two days later
    assert remind(2026, 5, 12) == 1  # three days later
    assert remind(2026, 5, 15) == 0 and remind(2026, 6, 30) == 0  # at most two
    invoice.refresh_from_db()
    assert invoice.reminders_sent == 2 and invoice.status == "open"
    overdue = events_named("academy.tuition_overdue")
    assert [(e.data["customer"]["id"], e.data["invoice"]["reminders_sent"]) for e in overdue] == [
        (unpaid.student_id, 1), (unpaid.student_id, 2)]
    assert overdue[0].data["invoice"]["due_on"] == "2026-05-08"
    reminded = AuditEvent.objects.filter(action="academy.tuition_reminded").order_by("pk")
    assert [row.metadata for row in reminded] == [{"reminder": 1, "due_on": "2026-05-08"},
                                                  {"reminder": 2, "due_on": "2026-05-08"}]
    # none at all when the academy sends none
    TuitionInvoice.objects.filter(pk=invoice.pk).update(reminders_sent=0, reminded_at=None)
    academy_settings_update(actor=alpha, reminders_max=0)
    assert remind(2026, 6, 30) == 0


def test_the_billing_rules_are_checked_and_audited(alpha):
    from django.core.exceptions import ValidationError

    assert academy_settings().billing_day == 1
    row = academy_settings_update(actor=alpha, billing_day=15, pass_refund_rule="proportional")
    assert (row.billing_day, row.pass_refund_rule) == (15, "proportional")
    changed = AuditEvent.objects.get(action="academy.settings_changed")
    assert changed.changes == {"billing_day": [1, 15], "pass_refund_rule": ["statutory", "proportional"]}
    academy_settings_update(actor=alpha, billing_day=15)  # no change: no audit row
    assert audit_actions() == ["academy.settings_changed"]
    with pytest.raises(ValidationError) as refused:  # the API answers it as validation_error (400)
        academy_settings_update(actor=alpha, billing_day=29)
    assert list(refused.value.message_dict) == ["billing_day"]
    assert academy_settings().billing_day == 15 and audit_actions() == ["academy.settings_changed"]


def test_issuing_again_after_a_crash_uses_the_order_already_placed(alpha, klass, paying):
    """The order was placed but the invoice never written (the process died between the
    two); since then a sibling enrolled, so the quote would differ: the first order stands
    instead of being refused as a reused key, and the invoice is written for it."""
    from apps.academy.services.common import academy_order

    with time_machine.travel(seoul(2027, 1, 10, 10, 0)):
        placed = academy_order(key=f"tuition-{paying.pk}-2027-01", customer=paying.student, item_id=klass.course_id,
                               branch=klass.branch, kind="tuition", actor=None, allowances=[("proration", 1000)])
        invoice = tuition_issue(enrolment=paying, period=D(2027, 1, 10))
    assert (invoice.order_id, invoice.total) == (placed.pk, placed.total)
    assert Order.objects.filter(kind="tuition").count() == 1


def test_a_paid_enrolment_whose_order_is_cancelled_with_its_refund_is_withdrawn(alpha, klass, paying):
    from apps.payments.services import order_cancel_with_refund

    order = Order.objects.get(pk=paying.order_id)
    order_cancel_with_refund(order=order, actor=alpha, reason="Family moved", by_customer=False)
    dispatch("order.cancelled")
    paying.refresh_from_db()
    assert (paying.status, paying.reason) == ("withdrawn", "Family moved")
    assert Order.objects.get(pk=order.pk).refunded_amount == order.total
