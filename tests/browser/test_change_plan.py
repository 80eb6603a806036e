"""HQ changes a tenant's plan in a real browser: tenant page -> Change plan (each choice
shows its price and what is invoiced now) -> confirm -> the page says the new plan and the
invoice; the subscription and the invoice really changed. Desktop and phone, English and
Korean (screenshots in test-artifacts/)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tests.plugin import ARTIFACTS, browser_hq_login, create_provisioned

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale,width,height", [("en-US", 1280, 800), ("ko-KR", 390, 844)],
                         ids=["en-desktop", "ko-phone"])
def test_hq_changes_a_plan_and_sees_the_invoice(browser, live_server_url, committed, locale, width, height):
    from apps.billing.models import Invoice, Plan, Subscription
    from apps.billing.tests.factories import active_subscription, plan_with_price
    from apps.tenants.models import Tenant

    tag = locale[:2]
    slug = committed.tenant_slug(f"br-plan-{tag}")
    committed.email(f"owner@br-plan-{tag}.test")
    basic = plan_with_price(f"br-basic-{tag}", "30000")
    pro = plan_with_price(f"br-pro-{tag}", "60000")
    tenant = create_provisioned(slug=slug, name=f"Plan Change {tag.upper()}", business_type="academy",
                                owner_email=f"owner@br-plan-{tag}.test")
    connection.set_schema_to_public()
    today = timezone.localdate()
    subscription = active_subscription(tenant, basic, start=today - dt.timedelta(days=10), payment_method="")
    Subscription.objects.filter(pk=subscription.pk).update(current_period_end=today + dt.timedelta(days=20))
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        browser_hq_login(page, live_server_url)
        base = live_server_url.format(host="localhost")
        page.goto(f"{base}/admin/tenants/tenant/{tenant.pk}/change/")
        page.click("#tabs-items a[href='#billing']")  # the tab "Subscription and invoices"
        page.wait_for_selector("#tenant-plan")
        page.screenshot(path=str(ARTIFACTS / f"ops-tenant-plan-{tag}-{width}.png"), full_page=True)
        page.click(f"a[href$='/tenant/{tenant.pk}/lifecycle/change-plan/']")
        page.wait_for_selector("select[name=plan]")
        option = page.inner_text(f"select[name=plan] option[value='{pro.pk}']")
        assert "₩60,000" in option and "₩22,000" in option, option  # price and what is invoiced now
        page.select_option("select[name=plan]", str(pro.pk))
        page.fill("textarea[name=reason]", "asked by phone")
        page.screenshot(path=str(ARTIFACTS / f"ops-change-plan-{tag}-{width}.png"), full_page=True)
        page.click("#confirm")
        page.wait_for_selector("ul.messagelist")
        invoice = Invoice.objects.get(subscription=subscription)
        messages = page.inner_text("ul.messagelist")
        assert invoice.number in messages and "₩22,000" in messages, messages
        page.screenshot(path=str(ARTIFACTS / f"ops-plan-changed-{tag}-{width}.png"), full_page=True)
        subscription.refresh_from_db()
        assert subscription.plan_id == pro.pk
    finally:
        context.close()
        connection.set_schema_to_public()
        Invoice.objects.filter(tenant__slug=slug).delete()
        Subscription.objects.filter(tenant__slug=slug).delete()
        Tenant.objects.filter(slug=slug).update(plan=None)
        Plan.objects.filter(pk__in=[basic.pk, pro.pk]).delete()
