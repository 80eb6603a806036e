"""A tenant's page in the ops portal, in a real browser: the tabs (overview, subscription
and invoices, usage, audit) at 1280x800 and at a phone's 390x844, in English and Korean,
and the tenant list at 1280 px with every column in view (screenshots in
test-artifacts/ops-detail-*.png and ops-tenants-list-*.png)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.browser.screens import new_page, open_tab
from tests.plugin import ARTIFACTS, browser_hq_login

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TABS = {"overview": "general", "billing": "billing", "usage": "usage", "domains": "domains", "audit": "audit",
        "history": "status_changes"}


def url(live_server_url, path):
    return live_server_url.format(host="localhost") + path


@pytest.fixture
def billed_alpha(committed):
    """Alpha on a paid plan with an add-on, one paid and one open invoice, two branches and
    a teacher: every tab has something to show. Committed for the web server, removed after."""
    from apps.accounts.models import Membership, User
    from apps.billing.invalidation import subscriptions_changed
    from apps.billing.invoicing import invoice_issue_for_period
    from apps.billing.models import AddOn, Invoice, Plan, Subscription, SubscriptionAddOn
    from apps.billing.tests.factories import active_subscription, plan_with_price
    from apps.branches.models import Branch
    from apps.tenants.models import Tenant
    from tests.workspace import make_staff

    alpha = Tenant.objects.get(slug="alpha")
    plan = plan_with_price("detail-standard", "99000", max_staff_users=10, max_branches=3,
                           api_requests_per_month=100000, storage_mb=500)
    Plan.objects.filter(pk=plan.pk).update(name="Standard", name_ko="스탠다드")
    addon = AddOn.objects.create(code="detail-extra-staff", name="Extra staff", name_ko="추가 직원", price=15000,
                                 limit_key="staff_users", limit_increase=5)
    today = timezone.localdate()
    subscription = active_subscription(alpha, plan, start=today - dt.timedelta(days=40))
    paid = invoice_issue_for_period(subscription=subscription, issue_date=today - dt.timedelta(days=40))
    Invoice.objects.filter(pk=paid.pk).update(status=Invoice.Status.PAID, paid_at=timezone.now())
    Subscription.objects.filter(pk=subscription.pk).update(current_period_start=today - dt.timedelta(days=10),
                                                           current_period_end=today + dt.timedelta(days=20))
    invoice_issue_for_period(subscription=Subscription.objects.get(pk=subscription.pk), issue_date=today)
    SubscriptionAddOn.objects.create(subscription=subscription, addon=addon, quantity=1)
    subscriptions_changed(tenant_ids=[alpha.pk])
    with schema_context("alpha"):
        branches = [Branch.objects.create(name="Detail Gangnam"), Branch.objects.create(name="Detail Jamsil")]
    connection.set_schema_to_public()
    teacher = make_staff("alpha", committed.email("detail-teacher@alpha.test"), [])
    connection.set_schema_to_public()
    yield alpha
    connection.set_schema_to_public()
    with schema_context("alpha"):
        Branch.objects.filter(pk__in=[b.pk for b in branches]).delete()
        from apps.staff.models import StaffProfile

        StaffProfile.objects.filter(user=teacher).delete()
        from apps.rbac.models import RoleAssignment

        RoleAssignment.objects.filter(user=teacher).delete()
    connection.set_schema_to_public()
    Membership.objects.filter(user=teacher).delete()
    User.objects.filter(pk=teacher.pk).delete()
    Invoice.objects.filter(tenant=alpha).delete()
    SubscriptionAddOn.objects.filter(subscription__tenant=alpha).delete()
    Subscription.objects.filter(tenant=alpha).delete()
    AddOn.objects.filter(pk=addon.pk).delete()
    Plan.objects.filter(pk=plan.pk).delete()
    subscriptions_changed(tenant_ids=[alpha.pk])



def no_sideways_scroll(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_tenant_detail_tabs(browser, live_server_url, billed_alpha, language):
    from apps.billing.models import Invoice

    invoices = list(Invoice.objects.filter(tenant=billed_alpha).order_by("issue_date"))
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = new_page(browser, language, viewport)
        browser_hq_login(page, live_server_url)
        page.goto(url(live_server_url, f"/admin/tenants/tenant/{billed_alpha.pk}/change/"))
        page.wait_for_selector("#tenant-overview")
        overview = page.inner_text("#tenant-overview")
        assert "alpha.localhost" in overview and ("Standard" in overview or "스탠다드" in overview)
        for name, tab in TABS.items():
            if name != "overview":
                open_tab(page, tab)
            else:
                assert page.is_visible("#general-group")
            for other in set(TABS.values()) - {tab}:
                assert not page.is_visible(f"#{other}-group"), f"{other} shows on the {tab} tab"
            if name == "billing":
                text = page.inner_text("#billing-group")
                assert "₩99,000" in text and all(invoice.number in text for invoice in invoices), text
                assert page.is_visible("#billing-group [data-action=change-plan]")
                assert ("Extra staff" if language == "en" else "추가 직원") in text
            if name == "usage":
                branches = page.inner_text("#usage-group [data-meter=branches] .ops-meter-value")
                assert "2" in branches and "3" in branches, branches  # two active branches of three
                assert page.locator("#usage-group [data-meter]").count() == 4
            if name == "domains":
                assert "alpha.localhost" in page.input_value("#domains-group input[name='domains-0-domain']")
            if name == "history":
                assert page.locator("#status_changes-group tbody tr").count() >= 1
            if name == "audit":
                assert page.locator("#audit-group tbody tr").count() >= 1
                assert "tenant.provisioned" not in page.inner_text("#audit-group")  # labels, not codes
            page.wait_for_timeout(150)
            page.screenshot(path=str(ARTIFACTS / f"ops-detail-{name}-{size}-{language}.png"), full_page=True)
            no_sideways_scroll(page, f"{name} ({size}, {language})")
        page.context.close()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_tenant_list_fits_at_1280(browser, live_server_url, billed_alpha, language):
    page = new_page(browser, language, DESKTOP)
    browser_hq_login(page, live_server_url)
    page.goto(url(live_server_url, "/admin/tenants/tenant/"))
    page.wait_for_selector("#result_list")
    assert "Alpha Academy" in page.inner_text("#result_list")
    right = page.evaluate("Math.max(...[...document.querySelectorAll('#result_list th')]"
                          ".map(th => th.getBoundingClientRect().right))")
    assert right <= DESKTOP["width"], f"the last column ends at {right}px"
    no_sideways_scroll(page, "tenant list")
    page.screenshot(path=str(ARTIFACTS / f"ops-tenants-list-desktop-{language}.png"), full_page=True)
    page.click("a[x-on\\:click='filterOpen = true']")
    page.wait_for_selector("#changelist-filter", state="visible")
    filters = page.inner_text("#changelist-filter")
    for title in {"en": ("Status", "Plan", "Business type", "Kind", "Creation date"),
                  "ko": ("상태", "요금제", "업종", "유형", "생성일")}[language]:
        assert title.lower() in filters.lower(), (title, filters)
    page.screenshot(path=str(ARTIFACTS / f"ops-tenants-filters-desktop-{language}.png"), full_page=True)
    for path in ("/admin/billing/subscription/", "/admin/tenants/domain/", "/admin/accounts/membership/",
                 "/admin/inbound/inboundevent/"):
        page.goto(url(live_server_url, path))
        page.wait_for_selector("#content")
        no_sideways_scroll(page, path)
    page.context.close()
