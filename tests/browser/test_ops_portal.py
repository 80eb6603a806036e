"""The ops portal in a real browser: MFA login, the approval chain to an active
workspace (through a real Celery worker), suspend and reactivate, audit CSV export."""

import csv
import io
import time

import pytest
from django.db import connection

from tests.plugin import ARTIFACTS, browser_hq_login

pytestmark = pytest.mark.browser


def url(live_server_url, path):
    return live_server_url.format(host="localhost") + path


def wait_for_status(tenant, statuses, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        tenant.refresh_from_db()
        if tenant.status in statuses:
            return tenant
        time.sleep(0.5)
    raise AssertionError(f"{tenant.slug} stayed {tenant.status}")


def test_log_in_with_mfa_lands_on_the_dashboard(page, live_server_url):
    page.goto(url(live_server_url, "/admin/"))
    assert "/admin/login/" in page.url
    browser_hq_login(page, live_server_url)
    assert page.url.endswith("/admin/")
    for card in ("#card-status", "#card-signups", "#card-funnel", "#card-webhooks", "#card-audit"):
        assert page.is_visible(card), card
    assert page.locator("#card-status svg rect").count() >= 8
    page.screenshot(path=str(ARTIFACTS / "ops-dashboard.png"), full_page=True)


def test_wrong_code_keeps_the_portal_closed(page, live_server_url):
    from tests.plugin import HQ_EMAIL, PASSWORD

    page.goto(url(live_server_url, "/admin/"))
    page.fill("input[name=username]", HQ_EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.fill("input[name=code]", "000000")
    page.click("#mfa-form input[type=submit]")
    assert "not valid" in page.inner_text(".errorlist")
    page.screenshot(path=str(ARTIFACTS / "ops-mfa-wrong-code.png"))
    page.goto(url(live_server_url, "/admin/tenants/tenant/"))
    assert "/admin/tenants/tenant/" not in page.url.split("?")[0] or "mfa" in page.url


STAFF_TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


def hq_staff(committed, email):
    """Another HQ admin with an authenticator app (four-eyes: one approver per stage)."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    from apps.accounts.hq import HQ_ADMIN
    from apps.accounts.models import User
    from tests.plugin import PASSWORD

    user = User.objects.create_user(committed.email(email), PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=HQ_ADMIN))
    TOTP.activate(user, STAFF_TOTP_SECRET)
    return user


def test_approve_a_tenant_through_every_step_to_active(page, browser, live_server_url, celery_worker_process,
                                                       committed):
    from apps.billing.models import Plan, Subscription
    from apps.onboarding.services import onboarding_open
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create

    slug = committed.tenant_slug("br-chain")
    committed.email("owner@br-chain.test")
    plan = Plan.objects.create(code="br-chain-free", name="Browser chain (free)")
    tenant = tenant_create(slug=slug, name="Browser Chain Academy", business_type="academy",
                           owner_email="owner@br-chain.test", provision=False, plan=plan)
    onboarding_open(tenant=tenant)
    approvers = {stage: hq_staff(committed, f"{stage}@br-chain.test") for stage in ("security", "technical",
                                                                                      "activation")}
    try:
        browser_hq_login(page, live_server_url)
        page.click("#waiting-link")
        page.wait_for_selector("#onboarding-board")
        page.screenshot(path=str(ARTIFACTS / "ops-onboarding-board.png"), full_page=True)
        page.click("[data-column=sales] a.tile:has-text('Browser Chain Academy')")
        page.wait_for_selector("#approval-chain")
        onboarding_url = page.url
        for key in ("contract", "payment", "role-template"):
            page.click(f"li[data-item={key}] button.check-toggle")
            page.wait_for_selector(f"li[data-item={key}] button[aria-pressed=true]")
        # "Plan chosen" ticked itself (the tenant has a plan); data import comes after activation
        assert page.locator("li[data-item=plan] button").count() == 0
        assert page.get_attribute("li[data-item=plan] .check-state", "aria-checked") == "true"
        assert page.locator("#checklist-after-activation li[data-item=data-import] button").count() == 0
        page.fill("li[data-stage=sales] form.decide input[name=comment]", "sales checked")
        page.click("li[data-stage=sales] form.decide button[value=approve]")
        page.wait_for_selector("li[data-stage=sales] .ops-badge.approved")
        # four-eyes: the same person may not approve the next stage too
        page.click("li[data-stage=security] form.decide button[value=approve]")
        assert "Four-eyes rule" in page.inner_text("ul.messagelist")
        for stage, user in approvers.items():
            context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
            other = context.new_page()
            other.set_default_timeout(15000)
            browser_hq_login(other, live_server_url, email=user.email, secret=STAFF_TOTP_SECRET)
            other.goto(onboarding_url)
            if stage == "activation":
                other.screenshot(path=str(ARTIFACTS / "ops-onboarding-before-activation.png"), full_page=True)
                other.click("li[data-stage=activation] form.decide button[value=approve]")
                assert "being provisioned" in other.inner_text("ul.messagelist")
            else:
                other.fill(f"li[data-stage={stage}] form.decide input[name=comment]", f"{stage} checked")
                other.click(f"li[data-stage={stage}] form.decide button[value=approve]")
                other.wait_for_selector(f"li[data-stage={stage}] .ops-badge.approved")
            context.close()
        tenant = wait_for_status(tenant, {Tenant.Status.ACTIVE, Tenant.Status.FAILED})
        assert tenant.status == Tenant.Status.ACTIVE, tenant.provisioning_error
        page.reload()
        assert "Active" in page.inner_text("#tenant-status")
        # now the workspace exists, its data import can be ticked
        page.click("#checklist-after-activation li[data-item=data-import] button.check-toggle")
        page.wait_for_selector("li[data-item=data-import] button[aria-pressed=true]")
        page.screenshot(path=str(ARTIFACTS / "ops-onboarding-active.png"), full_page=True)
        history = list(tenant.status_changes.order_by("created_at", "id").values_list("to_status", flat=True))
        assert history == ["requested", "approved", "provisioning", "active"]
        connection.set_schema_to_public()
    finally:  # the plan outlives the tenant otherwise (committed cleanup removes tenants and users)
        connection.set_schema_to_public()
        Subscription.objects.filter(tenant__slug=slug).delete()
        Tenant.objects.filter(slug=slug).update(plan=None)
        plan.delete()


def test_suspend_and_reactivate_in_the_browser(page, live_server_url, committed):
    from apps.tenants.models import Tenant
    from tests.plugin import create_provisioned

    slug = committed.tenant_slug("br-susp")
    committed.email("owner@br-susp.test")
    tenant = create_provisioned(slug=slug, name="Browser Suspend Bistro", business_type="food",
                                owner_email="owner@br-susp.test")
    connection.set_schema_to_public()
    browser_hq_login(page, live_server_url)
    page.goto(url(live_server_url, f"/admin/tenants/tenant/{tenant.pk}/change/"))
    page.click("#tenant-actions [data-action=suspend]")
    page.fill("textarea[name=reason]", "Payment overdue for 60 days")
    page.screenshot(path=str(ARTIFACTS / "ops-suspend-confirm.png"), full_page=True)
    page.click("#confirm")
    page.wait_for_selector("#tenant-status")
    assert "Suspended" in page.inner_text("#tenant-status")
    assert "Payment overdue" in page.inner_text("#tenant-overview")
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.SUSPENDED
    closed = page.context.new_page()
    response = closed.goto(live_server_url.format(host=f"{slug}.localhost") + "/")
    assert response.status == 403 and "suspended" in closed.inner_text("body")
    closed.close()
    page.screenshot(path=str(ARTIFACTS / "ops-tenant-suspended.png"), full_page=True)
    page.click("#tenant-actions [data-action=reactivate]")
    page.click("#confirm")
    page.wait_for_selector("#tenant-status")
    assert "Active" in page.inner_text("#tenant-status")
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.ACTIVE


def test_export_the_audit_log(page, live_server_url):
    browser_hq_login(page, live_server_url)
    page.goto(url(live_server_url, "/admin/audit/auditevent/?category__exact=security"))
    page.wait_for_selector("#result_list")
    page.screenshot(path=str(ARTIFACTS / "ops-audit-log.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("#audit-export")
    download = download_info.value
    assert download.suggested_filename.startswith("audit-") and download.suggested_filename.endswith(".csv")
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["created_at", "category", "action"]
    assert len(rows) > 1 and {row[1] for row in rows[1:]} == {"security"}
    assert any(row[2:4] == ["auth.mfa_succeeded", "Second factor passed"] for row in rows[1:])  # code, label
