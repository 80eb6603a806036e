"""HQ's sales figures from the settlement batches (apps.settlement.finance) and the ops
dashboard's Finance section that shows them with billing's (apps.site.finance): GMV and
take rate per month (a weekly cycle's batches add into the month they start in), the
order payment success rate, batches and payouts by status; in a fixed number of queries,
whatever the number of tenants; only for HQ users who may view billing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.hq import SUPPORT
from apps.billing.finance import months_back
from apps.billing.models import Invoice, Payment, Subscription
from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.settlement.finance import batch_status, monthly_sales
from apps.settlement.models import SettlementBatch
from apps.settlement.services.batches import batch_make
from apps.settlement.services.lifecycle import batch_confirm, batch_hold, batch_pay_out
from apps.tenants.services import tenant_create
from tests.plugin import hq_client

from .helpers import at, fail, pay, refund

pytestmark = pytest.mark.django_db

MONTHS = months_back(dt.date(2026, 12, 1))  # January to December 2026
OCT, NOV = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def _make(tenant, start, end, cycle):
    return batch_make(tenant=tenant, period_start=start, period_end=end, cycle=cycle).batch


@pytest.fixture
def batches(tenant_alpha, tenant_beta, hq_user):
    """alpha monthly (October, November); beta weekly from 26 October (that first week
    counts into October) to 16 November. Then: alpha's October paid out, its November
    confirmed, beta's first week held, the other two draft."""
    first = pay("alpha", 20000, at("2026-10-05"))
    pay("alpha", 10000, at("2026-10-20"))
    refund("alpha", first, 5000, at("2026-10-25"))
    fail("alpha", at("2026-10-12"))
    pay("alpha", 40000, at("2026-11-15"))
    pay("beta", 3000, at("2026-10-30"))
    pay("beta", 9900, at("2026-11-03"))
    fail("beta", at("2026-11-04"))
    pay("beta", 5000, at("2026-11-10"))
    fail("beta", at("2026-11-11"))
    fail("beta", at("2026-11-12"))
    made = {
        "alpha-oct": _make(tenant_alpha, OCT, NOV, "monthly"),
        "alpha-nov": _make(tenant_alpha, NOV, dt.date(2026, 12, 1), "monthly"),
        "beta-w1": _make(tenant_beta, dt.date(2026, 10, 26), dt.date(2026, 11, 2), "weekly"),
        "beta-w2": _make(tenant_beta, dt.date(2026, 11, 2), dt.date(2026, 11, 9), "weekly"),
        "beta-w3": _make(tenant_beta, dt.date(2026, 11, 9), dt.date(2026, 11, 16), "weekly"),
    }
    batch_pay_out(batch=batch_confirm(batch=made["alpha-oct"], actor=hq_user), actor=hq_user, reference="TR-1")
    batch_confirm(batch=made["alpha-nov"], actor=hq_user)
    batch_hold(batch=made["beta-w1"], actor=hq_user, reason="dispute")
    return {key: SettlementBatch.objects.get(pk=batch.pk) for key, batch in made.items()}


def test_gmv_take_rate_and_payment_success_per_month(batches, django_assert_num_queries):
    with django_assert_num_queries(1):
        sales = monthly_sales(months=MONTHS)

    assert list(sales["currencies"]) == ["KRW"]
    per_month = dict(sales["currencies"]["KRW"])
    october, november = per_month[OCT], per_month[NOV]
    # October: alpha's 20,000 + 10,000 less a 5,000 refund, beta's first week 3,000.
    # Commission 3.5%: 700 + 350 - 175 (given back on the refund) + 105.
    assert october == {"gross": 33000, "refunds": 5000, "gmv": 28000, "commission": 980,
                       "take_rate": Decimal("3.0"), "attempts": 4, "failed": 1, "success_rate": Decimal("75.0"),
                       "batches": 2}
    # November: alpha's 40,000, beta's two weeks 9,900 and 5,000 (347 and 175 of commission)
    assert november == {"gross": 54900, "refunds": 0, "gmv": 54900, "commission": 1922,
                        "take_rate": Decimal("3.5"), "attempts": 6, "failed": 3, "success_rate": Decimal("50.0"),
                        "batches": 3}
    for key, month in (("alpha-oct", OCT), ("beta-w1", OCT), ("alpha-nov", NOV)):  # the sums are the batches'
        assert batches[key].period_start.replace(day=1) == month
    assert october["commission"] == batches["alpha-oct"].commission + batches["beta-w1"].commission
    assert november["gross"] == sum(batches[key].gross for key in ("alpha-nov", "beta-w2", "beta-w3"))
    assert [month for month, figures in sales["currencies"]["KRW"] if figures["batches"]] == [OCT, NOV]
    assert per_month[dt.date(2026, 1, 1)] == {"gross": 0, "refunds": 0, "gmv": 0, "commission": 0,
                                              "take_rate": None, "attempts": 0, "failed": 0,
                                              "success_rate": None, "batches": 0}
    assert sales["total"]["KRW"]["gmv"] == 82900 and sales["total"]["KRW"]["take_rate"] == Decimal("3.3")
    assert dict(sales["payments"])[NOV] == {"attempts": 6, "failed": 3, "success_rate": Decimal("50.0")}
    assert sales["payments_total"] == {"attempts": 10, "failed": 4, "success_rate": Decimal("60.0")}


def test_months_outside_the_span_are_left_out(batches):
    sales = monthly_sales(months=months_back(dt.date(2027, 10, 1)))  # November 2026 to October 2027
    assert sales["total"]["KRW"]["gross"] == 54900
    assert sales["payments_total"]["attempts"] == 6


def test_batches_and_payouts_by_status(batches, django_assert_num_queries):
    with django_assert_num_queries(1):
        statuses = batch_status()
    assert [(row["status"], row["batches"]) for row in statuses] == [
        ("draft", 2), ("confirmed", 1), ("paid_out", 1), ("held", 1)]
    payout = {row["status"]: row["payout"] for row in statuses}
    assert payout["paid_out"] == {"KRW": batches["alpha-oct"].payout}
    assert payout["confirmed"] == {"KRW": batches["alpha-nov"].payout}
    assert payout["held"] == {"KRW": batches["beta-w1"].payout}
    assert payout["draft"] == {"KRW": batches["beta-w2"].payout + batches["beta-w3"].payout}
    # 30,000 - 5,000 - 875 of commission - 990 of fees (3.3%, kept on the refund) - 88 of VAT
    assert batches["alpha-oct"].payout == 23047
    assert [row["label"] for row in statuses] == ["Draft", "Confirmed", "Paid out", "On hold"]


def test_no_batches_no_figures(db):
    sales = monthly_sales(months=MONTHS)
    assert sales["currencies"] == {} and sales["total"] == {}
    assert sales["payments_total"] == {"attempts": 0, "failed": 0, "success_rate": None}
    assert [(row["batches"], row["payout"]) for row in batch_status()] == [(0, {})] * 4


# --- the ops dashboard's Finance section -------------------------------------------------------


def _last_month():
    start = timezone.localdate().replace(day=1) - relativedelta(months=1)
    return start, start + relativedelta(months=1)


def _dashboard(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _batch_without_schema(slug, start, end):
    """A batch of a tenant that has no schema here (the dashboard reads batches only)."""
    tenant = tenant_create(slug=slug, name=slug.title(), business_type="food", owner_email=f"o@{slug}.test",
                           provision=False)
    return SettlementBatch.objects.create(
        tenant=tenant, cycle="monthly", period_start=start, period_end=end, window_end=timezone.now(), currency="KRW",
        payments_count=1, attempts=2, attempts_failed=1, gross=10000, commission=350, fees=330, vat=35, net=9285,
        payout=9285)


def test_the_dashboard_shows_finance_and_its_queries_do_not_grow_with_tenants(tenant_alpha, tenant_beta):
    Payment.objects.all().delete()
    Invoice.objects.all().delete()
    Subscription.objects.all().delete()
    start, end = _last_month()
    active_subscription(tenant_alpha, plan_with_price("dash-fin", "99000"))
    pay("alpha", 20000, at(start.isoformat()))
    fail("alpha", at((start + dt.timedelta(days=1)).isoformat()))
    _make(tenant_alpha, start, end, "monthly")
    client = hq_client()

    html, one = _dashboard(client)
    for card in ("card-mrr", "card-plan-mix", "card-subscription-payments", "card-gmv", "card-take-rate",
                 "card-order-payments", "card-settlement-status"):
        assert f'id="{card}"' in html, card
    assert "₩99,000" in html and "₩20,000" in html  # MRR now; GMV of the twelve months
    assert "3.5%" in html and "50.0%" in html  # take rate; one of two order payments paid
    assert "No subscription payments in the last 12 months." in html

    pay("beta", 5000, at(start.isoformat()))
    _make(tenant_beta, start, end, "monthly")
    for n in range(3):
        _batch_without_schema(f"fin-q{n}", start, end)
    active_subscription(tenant_beta, plan_with_price("dash-fin-2", "50000"))
    html, five = _dashboard(client)
    assert five == one
    assert "₩149,000" in html and "₩55,000" in html  # two plans; 20,000 + 5,000 + 3 x 10,000
    assert "5 of 9 order payment attempts succeeded" in html


def test_without_batches_the_section_says_so(db):
    SettlementBatch.objects.all().delete()
    html, _count = _dashboard(hq_client())
    assert 'id="ops-finance"' in html and 'id="card-gmv"' not in html
    assert "No settlement batches yet." in html


def _support_client(email, *, without):
    from allauth.mfa.totp.internal.auth import TOTP

    from apps.accounts.models import User
    from tests.plugin import PASSWORD

    group = Group.objects.get(name=SUPPORT)
    for codename in without:
        app_label, name = codename.split(".")
        group.permissions.remove(Permission.objects.get(content_type__app_label=app_label, codename=name))
    user = User.objects.create_user(email, PASSWORD, is_staff=True)
    user.groups.add(group)
    secret = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
    TOTP.activate(user, secret)
    return hq_client(email=email, secret=secret)


def test_only_those_who_may_view_billing_see_finance(db):
    html, _count = _dashboard(_support_client("fin-support@platform.test", without=[]))
    assert 'id="ops-finance"' in html  # every HQ group may view plans and subscriptions today

    html, _count = _dashboard(_support_client("fin-nobilling@platform.test",
                                              without=["billing.view_plan", "billing.view_subscription"]))
    assert 'id="card-status"' in html and 'id="ops-finance"' not in html and "card-mrr" not in html


def test_the_sales_cards_also_need_the_settlement_permission(db):
    html, _count = _dashboard(_support_client("fin-nosettle@platform.test",
                                              without=["settlement.view_settlementbatch"]))
    assert 'id="card-mrr"' in html
    assert "card-gmv" not in html and "card-settlement" not in html
