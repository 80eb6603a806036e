"""The tenant admin's home as a dashboard, in a real browser (Playwright + Debian Chromium):

- a new workspace on a trial: the trial banner with its days left, the setup checklist at
  0 of 4, the plan's meters; the owner's first day: add a branch and invite a teacher from
  the checklist's links, and see the steps tick;
- a workspace in use (as `make run` seeds): branches, staff, its brand, API calls, an
  overdue invoice with its pay link;
at 1280x800 and 390x844, in English and Korean (screenshots in
test-artifacts/dash-tenant-*.png): nothing wider than the window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.plugin import ARTIFACTS, PASSWORD, create_provisioned

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "ko": "ko-KR"}
NEW = "dashnew"  # slug = schema name
DEMO = "dashdemo"


def owner_of(slug: str) -> str:
    return f"owner@{slug}.test"


def _workspace(committed, slug: str, name: str, plan):
    from apps.accounts.models import User

    committed.tenant_slug(slug)
    committed.email(owner_of(slug))
    tenant = create_provisioned(slug=slug, name=name, business_type="academy", owner_email=owner_of(slug), plan=plan)
    connection.set_schema_to_public()
    owner = User.objects.get(email=owner_of(slug))
    owner.set_password(PASSWORD)
    owner.save()
    return tenant, owner


@pytest.fixture
def workspaces(committed):
    """A new workspace on a 14-day trial, and one in use, committed for the web server."""
    from apps.apikeys.services import api_key_create
    from apps.billing.invoicing import invoice_issue_for_period
    from apps.billing.models import Invoice, Plan, Subscription
    from apps.billing.tests.factories import active_subscription, plan_with_price
    from apps.branches.services import branch_create
    from apps.ratelimit.limiter import _client, month_key
    from apps.tenants.models import Tenant
    from apps.workspace.services import branding_forget, workspace_settings_update
    from tests.workspace import make_staff

    try:
        starter = plan_with_price("dash-starter", "29000", trial_days=14, max_staff_users=3, max_branches=1,
                                  api_requests_per_month=10_000, storage_mb=500)
        Plan.objects.filter(pk=starter.pk).update(name="Starter", name_ko="스타터")
        standard = plan_with_price("dash-standard", "99000", max_staff_users=10, max_branches=3,
                                   api_requests_per_month=50_000, storage_mb=2048)
        Plan.objects.filter(pk=standard.pk).update(name="Standard", name_ko="스탠다드")
        starter.refresh_from_db()
        standard.refresh_from_db()
        new, _owner = _workspace(committed, NEW, "Sunrise Piano Academy", starter)
        demo, demo_owner = _workspace(committed, DEMO, "Hanbit English Academy", None)
        today = timezone.localdate()
        # last month's invoice paid, this month's (issued 10 days ago) overdue
        subscription = active_subscription(demo, standard, start=today - dt.timedelta(days=40), payment_method="")
        paid = invoice_issue_for_period(subscription=subscription, issue_date=today - dt.timedelta(days=40))
        Invoice.objects.filter(pk=paid.pk).update(status=Invoice.Status.PAID, paid_at=timezone.now())
        Subscription.objects.filter(pk=subscription.pk).update(current_period_start=today - dt.timedelta(days=10),
                                                               current_period_end=today + dt.timedelta(days=20))
        subscription.refresh_from_db()
        invoice_issue_for_period(subscription=subscription, issue_date=today - dt.timedelta(days=10))
        with schema_context(DEMO):
            for name in ("Gangnam", "Jamsil"):
                branch_create(actor=demo_owner, name=f"Hanbit {name}")
            workspace_settings_update(actor=demo_owner, primary_color="#0f766e",
                                      display_name="Hanbit English Academy")
            api_key_create(name="Website", perms=["customer:view"], actor=demo_owner,
                           actor_perms={"crm.view_customer"})
        for email, role in (("manager@dashdemo.test", "manager"), ("teacher1@dashdemo.test", "teacher"),
                            ("teacher2@dashdemo.test", "teacher")):
            committed.email(email)
            make_staff(DEMO, email, [role])
        connection.set_schema_to_public()
        branding_forget(tenant=demo)
        _client().set(month_key(demo.pk), 12_840)
        yield {"new": new, "demo": demo}
    finally:  # before `committed` drops the tenants: billing rows protect them
        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(slug__in=[NEW, DEMO]):
            _client().delete(month_key(tenant.pk))
        Invoice.objects.filter(tenant__slug__in=[NEW, DEMO]).delete()
        Subscription.objects.filter(tenant__slug__in=[NEW, DEMO]).delete()
        Tenant.objects.filter(slug__in=[NEW, DEMO]).update(plan=None)
        Plan.objects.filter(code__in=["dash-starter", "dash-standard"]).delete()


def url(live_server_url, slug, path="/admin/"):
    return live_server_url.format(host=f"{slug}.localhost") + path


def login(browser, live_server_url, slug, language, viewport=DESKTOP):
    context = browser.new_context(locale=LOCALES[language], viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(url(live_server_url, slug))
    page.fill("input[name=username]", owner_of(slug))
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")
    return page


def shoot(page, name: str, language: str):
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(150)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} {size}: the page scrolls sideways by {overflow}px"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}-{language}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def steps(page) -> dict[str, bool]:
    return page.eval_on_selector_all("[data-step]", "els => Object.fromEntries(els.map("
                                                    "el => [el.dataset.step, el.dataset.done === 'true']))")


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_dashboards(browser, live_server_url, workspaces, language):
    words = {"en": ("14 days left in your free trial", "Set up your workspace", "Unpaid invoices", "₩108,900"),
             "ko": ("무료 체험 14일 남음", "워크스페이스 설정하기", "미결제 청구서", "₩108,900")}[language]
    page = login(browser, live_server_url, NEW, language)
    assert words[0] in page.inner_text("#card-trial")
    assert words[1] in page.inner_text("#card-setup")
    assert steps(page) == {"branches.first": False, "staff.invite": False, "workspace.brand": False,
                           "apikeys.first": False}
    assert page.get_attribute("[data-meter=branches]", "data-limit") == "1"
    shoot(page, "dash-tenant-new", language)
    page.context.close()

    page = login(browser, live_server_url, DEMO, language)
    assert not page.is_visible("#card-setup")  # every step done: the checklist made way
    assert words[2] in page.inner_text("#card-invoices") and words[3] in page.inner_text("#card-invoices")
    assert page.is_visible("#card-payment-due") and "/pay/" in page.get_attribute("#due-pay-link", "href")
    assert page.get_attribute("[data-meter=api_requests]", "data-used") == "12840"
    assert page.get_attribute("[data-meter=staff_users]", "data-used") == "4"
    shoot(page, "dash-tenant", language)
    page.context.close()


def test_the_owners_first_day_ticks_the_checklist(browser, live_server_url, workspaces):
    """Log in -> the dashboard -> add a branch -> invite staff -> the steps are ticked."""
    from apps.rbac.models import Role

    with schema_context(NEW):
        teacher = str(Role.objects.get(key="teacher").pk)
    connection.set_schema_to_public()
    page = login(browser, live_server_url, NEW, "en")
    assert page.inner_text("#setup-progress") == "0 of 4 done"
    page.click("[data-step='branches.first'] a")
    page.fill("input[name=name]", "Sunrise Main")
    page.click("[name=_save]")
    page.wait_for_selector("ul.messagelist")
    page.goto(url(live_server_url, NEW))
    assert steps(page)["branches.first"] is True and page.inner_text("#setup-progress") == "1 of 4 done"
    assert page.get_attribute("[data-meter=branches]", "data-used") == "1"
    page.click("[data-step='staff.invite'] a")
    page.fill("input[name=email]", "first.teacher@example.com")
    page.select_option("select#id_roles_from", value=teacher)
    page.click("#id_roles_add")
    page.click("[name=_save]")
    page.wait_for_selector("ul.messagelist")
    page.goto(url(live_server_url, NEW))
    assert steps(page) == {"branches.first": True, "staff.invite": True, "workspace.brand": False,
                           "apikeys.first": False}
    assert page.inner_text("#setup-progress") == "2 of 4 done"
    page.screenshot(path=str(ARTIFACTS / "dash-tenant-new-ticked-desktop-en.png"), full_page=True)
    page.context.close()
