"""Usage shown: the owner's plan page (this month so far, the last 30 days), the ops
portal's tenant page (usage tab: last activity, the days, charts; the list's last-activity
column) and the owner's dashboard banner after a usage alert. Each shows its own tenant's
figures only."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.test import TestCase
from django.utils import timezone

from apps.billing.models import UsageDay
from apps.billing.tests.factories import active_subscription, plan_with_price
from apps.billing.usage_alerts import usage_alerts_check
from apps.core.activity import forget_process_memo
from tests.admin_pages import tenant_admin_client
from tests.dashboard import card, dashboard
from tests.plugin import forget, hq_client
from tests.workspace import api


def figure(html: str, day: dt.date, name: str) -> int:
    row = re.search(rf'<tr data-day="{day:%Y-%m-%d}".*?</tr>', html, re.S).group(0)
    return int(re.search(rf'data-figure="{name}">(?:<span[^>]*></span>)?([\d,]+)<', row).group(1).replace(",", ""))


def a_usage_day(tenant, day, **figures) -> UsageDay:
    return UsageDay.objects.create(tenant=tenant, day=day, collected_at=timezone.now(), **figures)


def test_the_owner_sees_this_month_and_the_last_30_days(tenant_alpha, tenant_beta):
    forget("activity:*")
    forget_process_memo()
    active_subscription(tenant_alpha, plan_with_price("usage-page", "10000", api_requests_per_month=1000))
    today = timezone.localdate()
    earlier = today - dt.timedelta(days=3)
    a_usage_day(tenant_alpha, earlier, api_calls=41, orders=5, active_users=3, notifications=2,
                database_bytes=2 * 1024 * 1024)
    a_usage_day(tenant_beta, earlier, api_calls=98765, orders=7777)  # not alpha's
    owner = api("alpha", "owner@alpha.test")
    assert owner.get("/api/v1/me/").status_code == 200  # today so far: the token request and this one

    response = tenant_admin_client("owner@alpha.test").get("/admin/billing/subscription/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="usage-history"' in html and html.count("<tr data-day=") == 30
    assert figure(html, earlier, "api_calls") == 41 and figure(html, earlier, "orders") == 5
    assert figure(html, today, "api_calls") >= 2 and figure(html, today, "active_users") == 1
    if earlier.month == today.month:
        month = re.search(r'data-figure="api_calls">(\d+)<', html.split('id="usage-month"')[1]).group(1)
        assert int(month) == 41 + figure(html, today, "api_calls")
    assert "98765" not in html and "7777" not in html and "98,765" not in html


def test_todays_calls_show_on_todays_row_after_midnight_in_seoul(tenant_alpha):
    """API calls are counted by the platform's day; the plan page (shown in the
    workspace's zone, already tomorrow in Seoul at 15:30 UTC) reads the same day's counter."""
    forget("activity:*")
    forget_process_memo()
    active_subscription(tenant_alpha, plan_with_price("usage-late", "10000", api_requests_per_month=1000))
    with time_machine.travel(dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.UTC), tick=True):
        assert api("alpha", "owner@alpha.test").get("/api/v1/me/").status_code == 200
        html = tenant_admin_client("owner@alpha.test").get("/admin/billing/subscription/").content.decode()
    assert figure(html, dt.date(2026, 12, 2), "api_calls") >= 2


def test_the_ops_tenant_page_shows_last_activity_and_the_days(tenant_alpha, tenant_beta):
    forget("activity:*")
    forget_process_memo()
    today = timezone.localdate()
    a_usage_day(tenant_alpha, today - dt.timedelta(days=1), api_calls=12, active_users=4)
    a_usage_day(tenant_beta, today - dt.timedelta(days=1), api_calls=87654)
    owner = api("alpha", "owner@alpha.test")
    assert owner.get("/api/v1/me/").status_code == 200

    response = hq_client().get(f"/admin/tenants/tenant/{tenant_alpha.pk}/change/")

    assert response.status_code == 200
    usage = response.context["usage"]
    assert usage["last_activity"] is not None and timezone.now() - usage["last_activity"] < dt.timedelta(minutes=1)
    html = response.content.decode()
    assert 'id="tenant-usage-history"' in html and figure(html, today - dt.timedelta(days=1), "api_calls") == 12
    assert "87654" not in html and "87,654" not in html
    assert "<svg" in html.split('id="tenant-usage-history"')[1]

    listing = hq_client().get("/admin/tenants/tenant/")
    assert listing.status_code == 200 and "column-last_activity_at" in listing.content.decode()


def test_the_dashboard_banner_follows_an_alert(tenant_alpha):
    active_subscription(tenant_alpha, plan_with_price("usage-banner", "10000", api_requests_per_month=10))
    assert card(dashboard(), "billing.usage_alert") is None
    owner = api("alpha", "owner@alpha.test")
    for _ in range(7):  # and the token request: 8 of 10
        assert owner.get("/api/v1/me/").status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert [alert.threshold for alert in usage_alerts_check(tenant=tenant_alpha)] == [80]
    page = dashboard()
    shown = card(page, "billing.usage_alert")
    assert shown and not shown["full"] and shown["alerts"][0]["threshold"] == 80
    assert "80% of your plan&#x27;s limit for API requests per month is used." in page.content.decode()
