"""Billing's cards on the tenant admin's dashboard (apps.billing.dashboard): the trial
banner with its days left, a payment due with the signed pay link, the plan and usage
meters against the plan's limits, the unpaid invoices with their amount in KRW and pay
link; only for those who may open the billing pages. And the dashboard stays cheap: its
queries do not grow with the number of rows or cards' data."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.billing.invalidation import subscriptions_changed
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import Invoice, Subscription
from apps.billing.paylinks import pay_url
from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.branches.services import branch_create
from apps.core.admin_sites import tenant_admin
from apps.core.dashboard import dashboard_for
from apps.core.money import format_money
from apps.ratelimit.limiter import _client, month_key
from apps.staff.services import staff_count
from apps.workspace.dashboard import storage_bytes
from tests.admin_pages import tenant_admin_client
from tests.dashboard import card, card_keys, dashboard, meter
from tests.workspace import make_staff

BILLING_CARDS = {"billing.banner", "billing.usage", "billing.invoices"}


def trial_subscription(tenant, plan, *, days_left: int) -> Subscription:
    today = timezone.localdate()
    subscription = Subscription.objects.create(
        tenant=tenant, plan=plan, status=Subscription.Status.TRIALING,
        current_period_start=today - dt.timedelta(days=5), current_period_end=today + dt.timedelta(days=days_left),
        trial_ends_on=today + dt.timedelta(days=days_left))
    with TestCase.captureOnCommitCallbacks(execute=True):
        subscriptions_changed(tenant_ids=[tenant.pk])
    return subscription


def open_invoice(subscription, *, issued_days_ago: int = 0) -> Invoice:
    invoice = invoice_issue_for_period(subscription=subscription,
                                       issue_date=timezone.localdate() - dt.timedelta(days=issued_days_ago))
    assert invoice.status == Invoice.Status.OPEN
    return invoice


def test_the_trial_banner_counts_the_days_left(tenant_alpha):
    plan = plan_with_price("dash-trial", "99000", trial_days=14)
    subscription = trial_subscription(tenant_alpha, plan, days_left=9)
    page = dashboard()
    html = page.content.decode()
    assert 'id="trial-days-left" data-days="9"' in html and "9 days left in your free trial" in html
    assert "₩99,000 a month" in html
    assert 'id="trial-pay-link"' not in html  # nothing to pay yet: the plan page instead
    assert card(page, "billing.banner")["manage_url"] == "/admin/billing/subscription/"
    subscription.trial_ends_on = timezone.localdate() + dt.timedelta(days=1)
    subscription.save()
    assert "1 day left in your free trial" in dashboard().content.decode()
    subscription.trial_ends_on = timezone.localdate()
    subscription.save()
    assert 'data-days="0"' in dashboard().content.decode()
    invoice = open_invoice(subscription)  # e.g. an upgrade during the trial: the pay link is there
    html = dashboard().content.decode()
    assert f'id="trial-pay-link" href="{pay_url(invoice)}"' in html


def test_the_trial_banner_counts_on_the_platforms_calendar_after_midnight_in_seoul(tenant_alpha):
    """The tenant admin shows times in the workspace's zone (Asia/Seoul); at 15:30 UTC it is
    already tomorrow there, but a trial's end, like every billing date, is a day of the
    platform's calendar: the banner still counts 9 days, not 8 (CI found it at 15:07 UTC)."""
    with time_machine.travel(dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.UTC), tick=True):
        assert timezone.localdate() == dt.date(2026, 12, 2)
        trial_subscription(tenant_alpha, plan_with_price("dash-trial-late", "99000", trial_days=14), days_left=9)
        html = dashboard().content.decode()
    assert 'id="trial-days-left" data-days="9"' in html and "9 days left in your free trial" in html


def test_the_trial_banner_in_korean(tenant_alpha, owner_alpha):
    trial_subscription(tenant_alpha, plan_with_price("dash-trial-ko", "99000", trial_days=14), days_left=9)
    client = tenant_admin_client("owner@alpha.test")
    client.post("/i18n/setlang/", {"language": "ko", "next": "/admin/"})
    html = dashboard(client=client).content.decode()
    assert "무료 체험 9일 남음" in html and "₩99,000" in html
    owner_alpha.language = ""
    owner_alpha.save(update_fields=["language"])


def test_an_overdue_invoice_puts_a_payment_due_banner_up(tenant_alpha):
    subscription = active_subscription(tenant_alpha, plan_with_price("dash-due", "99000"))
    invoice = open_invoice(subscription, issued_days_ago=30)
    html = dashboard().content.decode()
    assert 'id="card-payment-due"' in html and f'id="due-pay-link" href="{pay_url(invoice)}"' in html
    assert f"Payment due: {format_money(invoice.total, 'KRW')}" in html


def test_the_unpaid_invoice_card_shows_the_amount_and_the_pay_link(tenant_alpha, tenant_beta):
    subscription = active_subscription(tenant_alpha, plan_with_price("dash-open", "99000"))
    invoice = open_invoice(subscription)
    beta_invoice = open_invoice(active_subscription(tenant_beta, plan_with_price("dash-beta", "55000")))
    page = dashboard()
    html = page.content.decode()
    total = format_money(invoice.total, "KRW")
    assert total == "₩108,900"  # KRW: separators, no decimals (99,000 plus 10% VAT)
    assert f'data-invoice="{invoice.number}"' in html and total in html
    assert f'href="{pay_url(invoice)}"' in html
    assert f'href="/admin/billing/invoice/{invoice.pk}/change/"' in html
    assert "card-payment-due" not in html  # due in a few days: listed, no alarm
    assert beta_invoice.number not in html and pay_url(beta_invoice) not in html  # another tenant's
    invoice.status = Invoice.Status.PAID
    invoice.save()
    assert "billing.invoices" not in card_keys(dashboard())  # nothing unpaid: no card


def test_the_meters_match_the_real_counts(tenant_alpha, owner_alpha):
    plan = plan_with_price("dash-meters", max_staff_users=5, max_branches=2, api_requests_per_month=1000,
                           storage_mb=300)
    active_subscription(tenant_alpha, plan)
    with schema_context("alpha"):
        branch_create(actor=owner_alpha, name="Meter Gangnam")
        branch_create(actor=owner_alpha, name="Meter Jamsil")
    make_staff("alpha", "dash-meter-teacher@alpha.test", ["teacher"])
    _client().set(month_key(tenant_alpha.pk), 850)
    with schema_context("alpha"):
        staff = staff_count()
    page = dashboard()
    connection.set_schema_to_public()
    assert meter(page, "staff_users") == {"used": staff, "limit": 5} and staff == 2
    assert meter(page, "branches") == {"used": 2, "limit": 2}
    assert meter(page, "api_requests") == {"used": 850, "limit": 1000}
    assert meter(page, "storage") == {"used": storage_bytes("alpha"), "limit": 300 * 1024 * 1024}
    levels = {row["key"]: row["level"] for row in card(page, "billing.usage")["meters"]}
    assert levels == {"staff_users": "ok", "branches": "full", "api_requests": "high", "storage": "ok"}
    assert "Limit reached" in page.content.decode()
    html = page.content.decode()
    assert "2 of 5" in html and "850 of 1,000" in html and "Dash-Meters" in html


def test_no_billing_card_without_the_billing_pages(tenant_alpha, two_tenant_person):
    subscription = trial_subscription(tenant_alpha, plan_with_price("dash-perm", trial_days=14), days_left=3)
    open_invoice(subscription)
    assert BILLING_CARDS <= set(card_keys(dashboard()))  # the owner
    make_staff("alpha", "dash-perm-manager@alpha.test", ["manager"])
    for email in ("dash-perm-manager@alpha.test", two_tenant_person.email):  # an owner role, not the owner
        page = dashboard(email)
        assert not BILLING_CARDS & set(card_keys(page)), email
        html = page.content.decode()
        assert "card-trial" not in html and "card-usage" not in html and "/pay/" not in html


@pytest.fixture
def busy_alpha(tenant_alpha, owner_alpha):
    subscription = active_subscription(tenant_alpha, plan_with_price("dash-busy", max_branches=50))
    for number in range(4):
        open_invoice(subscription, issued_days_ago=number)
    with schema_context("alpha"):
        for number in range(6):
            branch_create(actor=owner_alpha, name=f"Busy {number}")
    connection.set_schema_to_public()
    return subscription


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    connection.set_schema_to_public()
    return len(queries)


def test_the_dashboard_is_cheap(tenant_alpha, busy_alpha, monkeypatch):
    """Every card, step and meter together cost a handful of queries over the bare admin
    home, and that does not grow with the rows behind them."""
    client = tenant_admin_client("owner@alpha.test")
    _dashboard_queries(client)  # warm the caches (limits, branding, storage)
    full = _dashboard_queries(client)
    registry = dashboard_for(tenant_admin)
    monkeypatch.setattr(registry, "cards", {})
    bare = _dashboard_queries(client)
    monkeypatch.undo()
    extra = full - bare
    # subscription, plan prices, open invoices; branch counts, staff count, invitations, API keys;
    # today's orders and sales (one query for both cards); today's sessions (the access check, the sessions)
    assert extra <= 11, f"the dashboard costs {extra} queries over the bare home ({full} in all)"
    open_invoice(busy_alpha)
    with schema_context("alpha"):
        from apps.branches.models import Branch

        Branch.objects.create(name="Busy more")
    assert _dashboard_queries(client) == full  # more rows, same queries
