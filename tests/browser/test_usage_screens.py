"""Usage in a real browser (Playwright + Debian Chromium): the owner's plan page (this month
so far, the last 30 days) and the ops portal's tenant page (usage tab: last activity, the
charts and the days), at 1280x800 and 390x844, in English and Korean (screenshots
test-artifacts/usage-*.png). No page scrolls sideways; figures are alpha's only."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tests.browser.screens import new_page, open_tab
from tests.plugin import ARTIFACTS, PASSWORD, browser_hq_login

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
HEADINGS = {"en": ("Usage in the last 30 days", "The last 30 days", "API calls per day"),
            "ko": ("최근 30일 사용량", "최근 30일", "일별 API 호출")}


@pytest.fixture
def usage_days(committed):
    """alpha on a plan, with 29 collected days behind today; beta with one day of its own.
    Committed for the web server, removed after."""
    from apps.billing.invalidation import subscriptions_changed
    from apps.billing.models import Plan, Subscription, UsageDay
    from apps.billing.tests.factories import active_subscription, plan_with_price
    from apps.tenants.models import Tenant

    alpha, beta = Tenant.objects.get(slug="alpha"), Tenant.objects.get(slug="beta")
    plan = plan_with_price("usage-screens", "49000", max_staff_users=10, api_requests_per_month=100000)
    Plan.objects.filter(pk=plan.pk).update(name="Usage", name_ko="사용량 요금제")
    active_subscription(alpha, plan, start=timezone.localdate() - dt.timedelta(days=5))
    today = timezone.localdate()
    for n in range(1, 30):
        UsageDay.objects.create(tenant=alpha, day=today - dt.timedelta(days=n), collected_at=timezone.now(),
                                active_users=3 + n % 4, orders=n % 6, api_calls=100 + 37 * (n % 9),
                                notifications=n % 3, webhook_deliveries=n % 2,
                                database_bytes=3_500_000 + 1000 * n, media_bytes=250_000)
    UsageDay.objects.create(tenant=beta, day=today - dt.timedelta(days=1), collected_at=timezone.now(),
                            api_calls=86420, orders=4321)
    yield alpha
    connection.set_schema_to_public()
    UsageDay.objects.filter(tenant__in=[alpha, beta]).delete()
    Tenant.objects.filter(pk__in=[alpha.pk, beta.pk]).update(last_activity_at=None)  # the flush's
    Subscription.objects.filter(tenant=alpha).delete()
    Plan.objects.filter(pk=plan.pk).delete()
    subscriptions_changed(tenant_ids=[alpha.pk])



def shoot(page, name: str) -> None:
    page.wait_for_timeout(150)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
    page.screenshot(path=str(ARTIFACTS / f"usage-{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_owner_plan_page_shows_usage(browser, live_server_url, usage_days, language):
    base = live_server_url.format(host="alpha.localhost")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = new_page(browser, language, viewport)
        page.goto(base + "/admin/login/")
        page.fill("input[name=username]", "owner@alpha.test")
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_selector("#nav-sidebar-apps", state="attached")
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base + "/"}])
        page.goto(base + "/admin/billing/subscription/")
        page.wait_for_selector("#usage-history")
        section = page.inner_text("#usage-history")
        assert HEADINGS[language][0] in section
        assert page.locator("#usage-days tbody tr").count() == 30
        row = page.locator(f"#usage-days tr[data-day='{yesterday:%Y-%m-%d}'] [data-figure=api_calls]").inner_text()
        assert row.strip() == str(100 + 37 * 1)
        assert "86420" not in section and "86,420" not in section  # beta's
        page.locator("#usage-history").scroll_into_view_if_needed()
        shoot(page, f"owner-plan-{size}-{language}")
        page.context.close()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_ops_usage_tab_shows_the_days_and_last_activity(browser, live_server_url, usage_days, language):
    from apps.core.activity import forget_process_memo
    from tests.workspace import api

    forget_process_memo()
    api("alpha", "owner@alpha.test")  # a login on alpha: its last activity is now
    base = live_server_url.format(host="localhost")
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = new_page(browser, language, viewport)
        browser_hq_login(page, live_server_url)
        page.goto(base + f"/admin/tenants/tenant/{usage_days.pk}/change/")
        page.wait_for_selector("#tenant-overview")
        open_tab(page, "usage")
        history = page.inner_text("#tenant-usage-history")
        assert HEADINGS[language][1] in history and HEADINGS[language][2] in history
        assert page.locator("#tenant-usage-history svg.chart").count() == 2
        assert page.locator("#usage-days tbody tr").count() == 30
        assert "86420" not in history and "86,420" not in history
        assert page.inner_text("#usage-last-activity").strip() not in ("", "—")
        shoot(page, f"ops-tab-{size}-{language}")
        page.context.close()
    from apps.tenants.tasks import flush_last_activity

    flush_last_activity()  # what beat does every five minutes: the list shows the flushed time
    page = new_page(browser, language, DESKTOP)
    browser_hq_login(page, live_server_url)
    page.goto(base + "/admin/tenants/tenant/")
    page.wait_for_selector("#result_list")
    alpha_row = page.locator("#result_list tbody tr", has_text="Alpha Academy")
    assert alpha_row.locator("td.field-last_activity_at").inner_text().strip() not in ("", "-")
    right = page.evaluate("Math.max(...[...document.querySelectorAll('#result_list th')]"
                          ".map(th => th.getBoundingClientRect().right))")
    assert right <= DESKTOP["width"], f"the last column ends at {right}px"
    shoot(page, f"ops-list-desktop-{language}")
    page.context.close()
