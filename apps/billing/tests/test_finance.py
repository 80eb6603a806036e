"""HQ's finance figures from billing (apps.billing.finance): MRR now at the price versions
in force (yearly plans / 12, add-ons with their plan), the plan mix in the reader's
language, billed MRR at each month's end read back from the invoices, and the success
rate of subscription payments; each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from apps.billing.finance import billed_mrr, month_end, months_back, mrr_now, payment_success, percent
from apps.billing.models import AddOn, Invoice, InvoiceLine, Payment, Plan, PlanPrice, Subscription, SubscriptionAddOn
from apps.tenants.services import tenant_create

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)
_numbers = itertools.count(1)


@pytest.fixture
def no_billing_rows(db):
    """Only this test's subscriptions and invoices count (rolled back with the test)."""
    Payment.objects.all().delete()
    Invoice.objects.all().delete()
    Subscription.objects.all().delete()


def _tenant(slug):
    return tenant_create(slug=slug, name=slug.title(), business_type="academy", owner_email=f"o@{slug}.test",
                         provision=False)


def _plan(code, period=Plan.Period.MONTHLY, *, name_ko="", prices=()) -> Plan:
    plan = Plan.objects.create(code=code, name=code.title(), name_ko=name_ko, billing_period=period)
    for since, amount in prices:
        PlanPrice.objects.create(plan=plan, amount=Decimal(amount), currency="KRW", effective_from=since)
    return plan


def _subscribe(tenant, plan, status, *, addons=()) -> Subscription:
    subscription = Subscription.objects.create(tenant=tenant, plan=plan, status=status,
                                               current_period_start=ON, current_period_end=ON + dt.timedelta(days=30))
    for addon, quantity in addons:
        SubscriptionAddOn.objects.create(subscription=subscription, addon=addon, quantity=quantity)
    return subscription


def _invoice(subscription, start, end, status, lines) -> Invoice:
    total = sum(Decimal(amount) for _kind, amount in lines)
    invoice = Invoice.objects.create(
        number=f"FIN-{next(_numbers)}", tenant=subscription.tenant, subscription=subscription, status=status,
        issue_date=start, due_date=start, period_start=start, period_end=end, currency="KRW", subtotal=total,
        tax=Decimal(0), total=total)
    for kind, amount in lines:
        InvoiceLine.objects.create(invoice=invoice, kind=kind, description=kind, unit_amount=Decimal(amount),
                                   amount=Decimal(amount))
    return invoice


@pytest.fixture
def book(no_billing_rows, tenant_alpha, tenant_beta):
    """basic (monthly; 8,000 until 10 days ago, 10,000 now, 12,000 from next week), pro
    (yearly 100,000, "프로" in Korean), free (no price). alpha on basic with 2 x 3,000 of
    add-ons, beta on pro with a 1,000 add-on, one basic past due, one basic awaiting its
    first payment, one pro trialing and one basic cancelled."""
    basic = _plan("fin-basic", prices=[(ON - dt.timedelta(days=400), "8000"), (ON - dt.timedelta(days=10), "10000"),
                                       (ON + dt.timedelta(days=7), "12000")])
    pro = _plan("fin-pro", Plan.Period.YEARLY, name_ko="프로", prices=[(ON - dt.timedelta(days=400), "100000")])
    free = _plan("fin-free")
    seats = AddOn.objects.create(code="fin-seats", name="Seats", price=Decimal("3000"))
    storage = AddOn.objects.create(code="fin-storage", name="Storage", price=Decimal("1000"))
    S = Subscription.Status
    subs = {
        "alpha": _subscribe(tenant_alpha, basic, S.ACTIVE, addons=[(seats, 2)]),
        "beta": _subscribe(tenant_beta, pro, S.ACTIVE, addons=[(storage, 1)]),
        "late": _subscribe(_tenant("fin-late"), basic, S.PAST_DUE),
        "new": _subscribe(_tenant("fin-new"), basic, S.INCOMPLETE, addons=[(seats, 1)]),
        "trial": _subscribe(_tenant("fin-trial"), pro, S.TRIALING),
        "gone": _subscribe(_tenant("fin-gone"), basic, S.CANCELLED),
        "free": _subscribe(_tenant("fin-freebie"), free, S.ACTIVE),
    }
    return {"plans": {"basic": basic, "pro": pro, "free": free}, "subs": subs}


def test_mrr_now_takes_the_price_in_force_and_spreads_yearly_plans_over_twelve_months(book, django_assert_num_queries):
    with django_assert_num_queries(2):
        mrr = mrr_now(on=ON)
    # basic: 2 live (alpha active, one past due) x 10,000 + alpha's 2 x 3,000 of add-ons;
    # pro: (100,000 + 1,000) / 12 = 8,416.67; free: nothing. Trialing, awaiting first
    # payment and cancelled subscriptions are not revenue.
    assert mrr["total"] == {"KRW": Decimal("34417")}
    assert mrr["subscriptions"] == 4
    assert [(row["plan"].code, row["subscriptions"], row["mrr"]) for row in mrr["plans"]] == [
        ("fin-basic", 2, Decimal("26000")), ("fin-free", 1, Decimal("0")), ("fin-pro", 1, Decimal("8417"))]


def test_plan_names_follow_the_readers_language(book):
    with translation.override("ko"):
        names = [row["name"] for row in mrr_now(on=ON)["plans"]]
    assert names == ["Fin-Basic", "Fin-Free", "프로"]
    assert [row["name"] for row in mrr_now(on=ON)["plans"]] == ["Fin-Basic", "Fin-Free", "Fin-Pro"]


def test_no_live_subscription_means_no_mrr(no_billing_rows):
    assert mrr_now(on=ON) == {"total": {}, "subscriptions": 0, "plans": []}
    assert billed_mrr(months=months_back(ON), on=ON) == {}


def test_billed_mrr_at_each_months_end_comes_from_the_invoices_covering_it(book, django_assert_num_queries):
    subs, S, K = book["subs"], Invoice.Status, InvoiceLine.Kind
    plan_and_seats = [(K.PLAN, "10000"), (K.ADDON, "6000")]
    _invoice(subs["alpha"], dt.date(2026, 4, 10), dt.date(2026, 5, 10), S.PAID, plan_and_seats)
    _invoice(subs["alpha"], dt.date(2026, 5, 10), dt.date(2026, 6, 10), S.PAID,
             [*plan_and_seats, (K.DISCOUNT, "-1000")])
    _invoice(subs["alpha"], dt.date(2026, 5, 20), dt.date(2026, 6, 10), S.PAID,  # an upgrade's proration
             [(K.PRORATION, "-3000"), (K.PRORATION, "5000")])
    _invoice(subs["alpha"], dt.date(2026, 6, 10), dt.date(2026, 7, 10), S.OPEN, plan_and_seats)  # being charged
    _invoice(subs["beta"], dt.date(2025, 9, 1), dt.date(2026, 9, 1), S.PAID, [(K.PLAN, "100000"), (K.ADDON, "1000")])
    _invoice(subs["late"], dt.date(2026, 5, 20), dt.date(2026, 6, 20), S.OPEN, [(K.PLAN, "10000")])  # dunned
    _invoice(subs["new"], dt.date(2026, 6, 1), dt.date(2026, 7, 1), S.OPEN, [(K.PLAN, "10000")])  # never paid
    _invoice(subs["gone"], dt.date(2025, 7, 20), dt.date(2025, 8, 20), S.PAID, [(K.PLAN, "10000")])
    _invoice(subs["gone"], dt.date(2026, 3, 1), dt.date(2026, 4, 1), S.VOID, [(K.PLAN, "10000")])

    months = months_back(ON)
    with django_assert_num_queries(1):
        series = billed_mrr(months=months, on=ON)

    yearly = Decimal("8417")  # (100,000 + 1,000) / 12, rounded to the won
    assert list(series) == ["KRW"]
    assert series["KRW"] == list(zip(months, [
        Decimal("10000"), Decimal("0"),  # Jul 2025: the cancelled one was paying then; Aug: nobody
        yearly, yearly, yearly, yearly, yearly, yearly, yearly,  # Sep 2025 - Mar 2026 (the void invoice: nothing)
        Decimal("24417"),  # Apr: alpha's 16,000 + the yearly plan's share
        Decimal("34417"),  # May: + the past-due one's open invoice; no discount, no proration
        Decimal("34417"),  # Jun (so far): alpha's renewal still open counts, the never-paid one does not
    ], strict=True))


def test_months_and_percentages():
    assert months_back(dt.date(2026, 1, 31), 3) == [dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1)]
    assert month_end(dt.date(2026, 2, 1), dt.date(2026, 6, 1)) == dt.date(2026, 2, 28)
    assert month_end(dt.date(2026, 6, 1), dt.date(2026, 6, 15)) == dt.date(2026, 6, 15)
    assert percent(1, 3) == Decimal("33.3") and percent(2, 3) == Decimal("66.7") and percent(0, 0) is None


def _attempt(subscription, status, completed_at, reason=""):
    invoice = Invoice.objects.filter(subscription=subscription).first() or _invoice(
        subscription, ON, ON + dt.timedelta(days=30), Invoice.Status.OPEN, [(InvoiceLine.Kind.PLAN, "10000")])
    return Payment.objects.create(invoice=invoice, provider="sandbox", reference=f"fin_{next(_numbers)}",
                                  amount=invoice.total, currency="KRW", status=status, failure_reason=reason,
                                  completed_at=completed_at)


def test_subscription_payment_success_over_30_days_and_per_month(book, django_assert_num_queries):
    subs, P = book["subs"], Payment.Status

    def noon(day):
        return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=12), dt.UTC)

    _attempt(subs["alpha"], P.SUCCEEDED, noon("2026-06-10"))
    _attempt(subs["late"], P.FAILED, noon("2026-06-01"), "card_declined")
    _attempt(subs["late"], P.FAILED, noon("2026-05-20"), "card_declined")
    _attempt(subs["beta"], P.SUCCEEDED, noon("2026-05-05"))  # 41 days back: not in the last 30 days
    _attempt(subs["new"], P.FAILED, noon("2026-06-02"), "invoice_void")  # closed, never declined
    _attempt(subs["new"], P.PENDING, None)  # still at the provider
    _attempt(subs["gone"], P.SUCCEEDED, noon("2025-06-20"))  # before the twelve months

    months = months_back(ON)
    with django_assert_num_queries(2):
        success = payment_success(months=months, now=noon("2026-06-15"))

    assert success["recent"] == {"succeeded": 1, "failed": 2, "attempts": 3, "rate": Decimal("33.3")}
    per_month = dict(success["months"])
    assert per_month[dt.date(2026, 5, 1)] == {"succeeded": 1, "failed": 1, "attempts": 2, "rate": Decimal("50.0")}
    assert per_month[dt.date(2026, 6, 1)] == {"succeeded": 1, "failed": 1, "attempts": 2, "rate": Decimal("50.0")}
    assert [month for month, counts in success["months"] if counts["attempts"]] == [dt.date(2026, 5, 1),
                                                                                    dt.date(2026, 6, 1)]
    assert per_month[dt.date(2025, 7, 1)] == {"succeeded": 0, "failed": 0, "attempts": 0, "rate": None}
