"""Helpers of tests/test_settlement_e2e.py: the workspace made for the test (committed, on a
plan whose price version takes a commission), paying on the sandbox's hosted page in
Chromium, the arithmetic of settlement redone here in Python (to check the batches made in
SQL against), the clock moved in the tenant's schema, and removing everything afterwards."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from tests.food_e2e_helpers import ok
from tests.plugin import ARTIFACTS, PASSWORD, create_provisioned

SLUG = "e2e-settle"
SCHEMA = SLUG.replace("-", "_")
NAME = "E2E Settle Bistro"
OWNER, DINER = f"owner@{SLUG}.test", f"diner@{SLUG}.test"
PLAN = "e2e-settle-plan"
RATE = Decimal("3.5")  # the plan's commission (percent)
PRICES = {"bibimbap": 12900, "tea": 4300}


def won(value: Decimal) -> int:
    """Half up to the won, as Money.percent and PostgreSQL's ROUND do."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(amount: int, rate) -> int:
    return won(Decimal(amount) * Decimal(str(rate)) / 100)


def workspace(committed) -> dict:
    """A food workspace subscribed (at provisioning, as any tenant) to a plan whose price
    version takes RATE of its sales; a branch and two dishes. Committed; `forget` and
    `committed` remove it."""
    from apps.accounts.models import User
    from apps.billing.tests.factories import plan_with_price
    from apps.branches.models import Branch
    from apps.catalog.services import item_create

    committed.tenant_slug(SLUG)
    committed.email(OWNER)
    committed.email(DINER)
    # a trial: the subscription starts without an invoice to pay (commission is taken all the same)
    plan = plan_with_price(PLAN, "39000", trial_days=30)
    assert plan.prices.get().commission_rate == RATE
    tenant = create_provisioned(slug=SLUG, name=NAME, business_type="food", owner_email=OWNER, plan=plan)
    owner = User.objects.get(email=OWNER)
    owner.set_password(PASSWORD)
    owner.save()
    with schema_context(SCHEMA):
        items = {key: item_create(actor=owner, kind="menu_item", name=key.title(), price=price).pk
                 for key, price in PRICES.items()}
        branch = Branch.objects.create(name="성수점")  # no opening hours given: always open
    connection.set_schema_to_public()
    return {"tenant": tenant, "owner": owner, "plan": plan, "items": items, "branch": branch.pk}


def pay_on_hosted_page(browser, consumer, public_base: str, order: dict, shot: str = "") -> str:
    """Pay on the sandbox's hosted page in a phone's browser; its signed webhook then
    reaches the platform. Returns the payment's reference."""
    checkout = ok(consumer("POST", f"/api/v1/orders/{order['id']}/pay/"))
    url = public_base + "/payments/" + checkout["checkout_url"].split("/payments/", 1)[1]
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(url)
        assert NAME in page.inner_text("#merchant")
        assert page.inner_text("#amount").replace(",", "").endswith(str(order["total"]))
        page.click("#card_success")
        page.wait_for_selector("#result")
        if shot:
            page.screenshot(path=str(ARTIFACTS / f"settlement-e2e-{shot}.png"), full_page=True)
    finally:
        context.close()
    return checkout["reference"]


# --- the clock ----------------------------------------------------------------------------------


def noon(day: dt.date, tenant, minutes: int = 0) -> dt.datetime:
    """Noon of `day` in the tenant's time zone (where its periods close), plus `minutes`."""
    return dt.datetime.combine(day, dt.time(12, minutes), tzinfo=ZoneInfo(tenant.timezone))


def payments_happened_at(order_ids: list[int], times: list[dt.datetime]) -> None:
    """The captured payments of these orders (and the orders) happened at these times."""
    from apps.orders.models import Order
    from apps.payments.models import Payment

    with schema_context(SCHEMA):
        for order_id, at in zip(order_ids, times, strict=True):
            assert Payment.objects.filter(order_id=order_id, paid_at__isnull=False).update(paid_at=at) == 1
            Order.objects.filter(pk=order_id).update(created_at=at - dt.timedelta(minutes=2))
    connection.set_schema_to_public()


def refund_happened_at(refund_id: int, at: dt.datetime) -> None:
    from apps.payments.models import Refund

    with schema_context(SCHEMA):
        assert Refund.objects.filter(pk=refund_id, completed_at__isnull=False).update(
            created_at=at - dt.timedelta(seconds=1), completed_at=at) == 1
    connection.set_schema_to_public()


# --- what the batches must hold, redone in Python -------------------------------------------------


def vat_spread(commissions: list[int]) -> list[int]:
    """Each line's VAT: the VAT on the running commission less the VAT before it."""
    vat_rate, running, vats = Decimal(str(settings.SETTLEMENT_VAT_RATE)), 0, []
    for commission in commissions:
        before = won(Decimal(running) * vat_rate / 100)
        running += commission
        vats.append(won(Decimal(running) * vat_rate / 100) - before)
    return vats


def commission_given_back(amount: int, refunded_before: int, refund: int, rate: Decimal) -> int:
    """What a refund gives back of its payment's commission (the commission on what remains, before less after)."""
    return percent(amount - refunded_before, rate) - percent(amount - refunded_before - refund, rate)


def statement(text: str) -> tuple[list[list[str]], dict[str, int]]:
    """A statement CSV as (its line rows, its totals in order, by label)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    blank = rows.index([])
    return rows[1:blank], {row[1]: int(row[5]) for row in rows[blank + 1:]}


def line_snapshot(batch) -> list[tuple]:
    from apps.settlement.models import SettlementLine

    return list(SettlementLine.objects.filter(batch=batch).order_by("id").values_list(
        "id", "kind", "source_id", "reference", "occurred_at", "amount", "commission", "fee", "vat", "net",
        "adjustment"))


TOTALS = ("status", "payments_count", "refunds_count", "adjustments_count", "gross", "refunds", "commission", "fees",
          "vat", "net", "carried_in", "payout", "carried_out", "window_start", "window_end")


def totals(batch) -> dict:
    return {name: getattr(batch, name) for name in TOTALS}


# --- removing it all ---------------------------------------------------------------------------------


def forget(run_ids: list[int]) -> None:
    """Settlement rows first (batches and tax invoices PROTECT the tenant), then the
    subscription and the plan; the `committed` fixture then drops the tenant and its schema."""
    from apps.billing.models import Plan, Subscription
    from apps.settlement.models import (
        RunItem,
        SettlementAccount,
        SettlementBatch,
        SettlementLine,
        SettlementRun,
        TaxInvoice,
    )
    from apps.tenants.models import Tenant

    connection.set_schema_to_public()
    tenants = list(Tenant.objects.filter(slug=SLUG))
    TaxInvoice.objects.filter(tenant__in=tenants).delete()
    SettlementLine.objects.filter(tenant__in=tenants).delete()
    SettlementBatch.objects.filter(tenant__in=tenants).delete()
    RunItem.objects.filter(tenant__in=tenants).delete()
    SettlementRun.objects.filter(pk__in=run_ids).delete()
    SettlementAccount.objects.filter(tenant__in=tenants).delete()
    Subscription.objects.filter(tenant__in=tenants).delete()
    Tenant.objects.filter(slug=SLUG).update(plan=None)
    for plan in Plan.objects.filter(code=PLAN):
        plan.prices.all().delete()
        plan.delete()
