"""Both admin sites in the theme, in a real browser (Playwright + Debian Chromium): the ops
portal's dashboard and tenant list, a tenant admin's home, customer list and role matrix,
at 1280x800 and at a phone's 390x844, in English and Korean (screenshots in
test-artifacts/theme-*.png); wide lists fit at 1280 px; the language switch in the user
menu changes the language and the account remembers it."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.browser.screens import new_page
from tests.plugin import ARTIFACTS, HQ_EMAIL, PASSWORD, browser_hq_login

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def url(live_server_url, path, host="localhost"):
    return live_server_url.format(host=host) + path


@pytest.fixture
def customers(committed):
    """A branch and a few customers in alpha, committed for the web server process."""
    from apps.branches.models import Branch
    from apps.crm.models import Customer

    with schema_context("alpha"):
        branch = Branch.objects.create(name="Theme Gangnam", phone="02-555-0100")
        for name, phone in [("Kim Minji", "010-1234-5678"), ("Lee Jisoo", "010-2345-6789"),
                            ("Park Hana", "010-3456-7890")]:
            Customer.objects.create(name=name, phone=phone, email=f"{name.split()[1].lower()}@example.com",
                                    branch=branch, marketing_consent=True)
    connection.set_schema_to_public()
    yield branch
    with schema_context("alpha"):
        Customer.objects.filter(branch=branch).delete()
        branch.delete()
    connection.set_schema_to_public()


@pytest.fixture
def invoice(committed):
    """A tenant (not provisioned) on a paid plan with an issued invoice, so that the
    invoice list has a row."""
    from django.utils import timezone

    from apps.billing.invoicing import invoice_issue_for_period
    from apps.billing.models import Invoice, Plan, Subscription
    from apps.billing.tests.factories import active_subscription, plan_with_price
    from apps.tenants.services import tenant_create

    slug = committed.tenant_slug("theme-invoiced")
    committed.email("owner@theme-invoiced.test")
    plan = plan_with_price("theme-standard", "99000")
    tenant = tenant_create(slug=slug, name="Theme Invoiced Language Institute", business_type="academy",
                           owner_email="owner@theme-invoiced.test", provision=False)
    subscription = active_subscription(tenant, plan)
    issued = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    yield issued
    connection.set_schema_to_public()
    Invoice.objects.filter(tenant=tenant).delete()
    Subscription.objects.filter(tenant=tenant).delete()
    Plan.objects.filter(pk=plan.pk).delete()



def owner_login(page, live_server_url):
    page.goto(url(live_server_url, "/admin/", host="alpha.localhost"))
    page.fill("input[name=username]", "owner@alpha.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#nav-sidebar-apps")


def shoot(page, name, language, viewport):
    size = "desktop" if viewport == DESKTOP else "phone"
    page.set_viewport_size(viewport)
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"theme-{name}-{size}-{language}.png"), full_page=True)


def no_sideways_scroll(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: the page scrolls sideways by {overflow}px"


def table_fits(page, what):
    """Every column of the list is inside the viewport (no clipping, no sideways scroll)."""
    right = page.evaluate("Math.max(...[...document.querySelectorAll('#result_list th')]"
                          ".map(th => th.getBoundingClientRect().right))")
    assert right <= page.viewport_size["width"], f"{what}: the last column ends at {right}px"
    no_sideways_scroll(page, what)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_ops_portal_screens(browser, live_server_url, invoice, language):
    page = new_page(browser, language)
    browser_hq_login(page, live_server_url)
    assert page.is_visible("#card-status")
    # the sidebar: tasks, not apps
    sidebar = page.inner_text("#nav-sidebar-apps")
    sections = {"en": ("Tenants", "Billing", "Platform", "Security"), "ko": ("테넌트", "과금", "플랫폼", "보안")}
    for section in sections[language]:
        assert section in sidebar, section
    for viewport in (DESKTOP, PHONE):
        shoot(page, "ops-dashboard", language, viewport)
    page.set_viewport_size(DESKTOP)
    page.goto(url(live_server_url, "/admin/tenants/tenant/"))
    page.wait_for_selector("#result_list")
    assert "alpha" in page.inner_text("#result_list")
    for viewport in (DESKTOP, PHONE):
        shoot(page, "ops-tenants", language, viewport)
    page.set_viewport_size(DESKTOP)
    for path, what in [("/admin/tenants/tenant/", "tenants"), ("/admin/billing/invoice/", "invoices"),
                       ("/admin/audit/auditevent/", "audit log")]:
        page.goto(url(live_server_url, path))
        page.wait_for_selector("#result_list")
        table_fits(page, what)
    page.context.close()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_tenant_admin_screens(browser, live_server_url, customers, language):
    page = new_page(browser, language)
    owner_login(page, live_server_url)
    assert "Alpha Academy" in page.inner_text("#site-name")
    assert "Platform ops portal" not in page.content()
    sidebar = page.inner_text("#nav-sidebar-apps")
    sections = {"en": ("Customers", "Team", "Branches", "Settings"), "ko": ("고객", "팀", "지점", "설정")}
    for section in sections[language]:
        assert section in sidebar, section
    # the workspace's colour (apps.site.theme; its contrast: apps/site/tests/test_theme.py)
    brand = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand-primary')")
    assert brand.strip() == "#1d4ed8"
    for viewport in (DESKTOP, PHONE):
        shoot(page, "tenant-home", language, viewport)
    page.set_viewport_size(DESKTOP)
    page.goto(url(live_server_url, "/admin/crm/customer/", host="alpha.localhost"))
    page.wait_for_selector("#result_list")
    assert "Kim Minji" in page.inner_text("#result_list")
    table_fits(page, "customers")
    for viewport in (DESKTOP, PHONE):
        shoot(page, "tenant-customers", language, viewport)
    page.set_viewport_size(DESKTOP)
    page.goto(url(live_server_url, "/admin/rbac/role/matrix/", host="alpha.localhost"))
    page.wait_for_selector("table.matrix")
    no_sideways_scroll(page, "role matrix")  # the matrix scrolls inside its own frame
    for viewport in (DESKTOP, PHONE):
        shoot(page, "tenant-role-matrix", language, viewport)
    page.context.close()


def test_language_switch_in_the_user_menu_is_remembered(browser, live_server_url, committed):
    from apps.accounts.models import User

    User.objects.filter(email=HQ_EMAIL).update(language="")
    try:
        page = new_page(browser, "en")
        browser_hq_login(page, live_server_url)
        page.click("#nav-sidebar-inner [x-on\\:click='openUserLinks = !openUserLinks']")
        page.click("form[action='/i18n/setlang/'] button:has(span:text-is('ko'))")
        page.wait_for_load_state()
        page.wait_for_selector("#nav-sidebar-apps")
        assert "보안" in page.inner_text("#nav-sidebar-apps")
        shoot(page, "ops-language-switched", "ko", DESKTOP)
        assert User.objects.get(email=HQ_EMAIL).language == "ko"
        page.context.close()
        # another browser: the account's language after logging in
        fresh = new_page(browser, "en")
        browser_hq_login(fresh, live_server_url)
        assert "보안" in fresh.inner_text("#nav-sidebar-apps")
        fresh.context.close()
    finally:
        User.objects.filter(email=HQ_EMAIL).update(language="")


def test_the_other_pages_fit_at_1280(browser, live_server_url, customers, committed):
    """The login pages, the second step, a tenant's page, the onboarding board, the flag
    matrix and a customer's form: in the theme, nothing wider than the window."""
    from apps.crm.models import Customer
    from apps.tenants.models import Tenant

    page = new_page(browser, "en")
    page.goto(url(live_server_url, "/admin/login/", host="alpha.localhost"))
    assert "Alpha Academy" in page.inner_text("#login-brand") and page.is_visible("#forgot-password")
    shoot(page, "tenant-login", "en", DESKTOP)
    page.goto(url(live_server_url, "/admin/"))
    page.fill("input[name=username]", HQ_EMAIL)
    page.fill("input[name=password]", PASSWORD)
    shoot(page, "ops-login", "en", DESKTOP)
    page.click("input[type=submit]")
    page.wait_for_selector("#mfa-form")
    shoot(page, "ops-mfa", "en", DESKTOP)
    page.context.close()

    page = new_page(browser, "en")
    browser_hq_login(page, live_server_url)
    alpha = Tenant.objects.get(slug="alpha")
    for path, name in [(f"/admin/tenants/tenant/{alpha.pk}/change/", "ops-tenant-detail"),
                       ("/admin/tenants/tenant/add/", "ops-tenant-add"),
                       ("/admin/onboarding/", "ops-onboarding-board"), ("/admin/flags/flag/matrix/", "ops-flag-matrix"),
                       ("/admin/audit/auditevent/", "ops-audit-log")]:
        page.goto(url(live_server_url, path))
        page.wait_for_selector("#nav-sidebar")
        shoot(page, name, "en", DESKTOP)
        no_sideways_scroll(page, path)
    page.context.close()

    page = new_page(browser, "en")
    owner_login(page, live_server_url)
    with schema_context("alpha"):
        customer = Customer.objects.filter(branch=customers).first()
    connection.set_schema_to_public()
    for path, name in [(f"/admin/crm/customer/{customer.pk}/change/", "tenant-customer-form"),
                       ("/admin/workspace/workspacesettings/", "tenant-settings")]:
        page.goto(url(live_server_url, path, host="alpha.localhost"))
        page.wait_for_selector("#nav-sidebar")
        shoot(page, name, "en", DESKTOP)
        no_sideways_scroll(page, path)
    page.context.close()
