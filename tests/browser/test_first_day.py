"""Two whole days, end to end in a real browser (Playwright + Debian Chromium), in English
and Korean, at 1280x800 and at a phone's 390x844:

- the owner's first day: a new workspace is enrolled the way HQ's "Add tenant" and the
  self sign-up do it (apps.onboarding.services.tenant_enrol, provisioned in this process);
  the owner opens the set-password link from the e-mail they got -> sets a password ->
  logs into the workspace admin -> the dashboard's setup checklist has "add a branch" and
  "invite your team" open -> adds a branch and invites a teacher through the admin forms
  -> back on the dashboard both steps are ticked;
- HQ's day: log in on the public host with password + TOTP -> the ops dashboard's cards
  -> find the tenant in the list and open it -> every tab (overview, subscription and
  invoices, usage, domains, audit, status history) shows its content -> Change plan ->
  confirm -> the new invoice is on the subscription tab and opens.

Assertions are on what a person sees, in the page's language. Screenshots:
test-artifacts/walk-owner-<step>-<lang>-<width>.png and walk-hq-<step>-<lang>-<width>.png."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.browser.screens import RUN_IDS, RUNS, new_page, open_tab
from tests.plugin import ARTIFACTS, PASSWORD, Committed, browser_hq_login, read_live_mail

pytestmark = pytest.mark.browser

VIEWPORTS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}

OWNER_WORDS = {
    "en": {
        "subject": "Your workspace {name} is ready",
        "mail": "Set your password (this also confirms your email address):",
        "set_password": "Set your password",
        "setup": "Set up your workspace",
        "branch": "Add your first branch",
        "invite": "Invite your team",
        "progress": "{done} of {total} done",
    },
    "ko": {
        "subject": "워크스페이스 {name} 준비가 완료되었습니다",
        "mail": "비밀번호를 설정하세요 (이메일 주소 확인도 함께 됩니다):",
        "set_password": "비밀번호 설정",
        "setup": "워크스페이스 설정하기",
        "branch": "첫 지점 추가하기",
        "invite": "팀원 초대하기",
        "progress": "{total}개 중 {done}개 완료",
    },
}
HQ_WORDS = {
    "en": {
        "cards": {"status": "Tenants by status", "signups": "Sign-ups per week (last 12 weeks)",
                  "funnel": "Onboarding funnel", "webhooks": "Inbound webhook problems (7 days)",
                  "provisioning-failures": "Provisioning failures", "audit": "Recent audit events"},
        "tabs": {"general": "Overview", "billing": "Subscription and invoices", "usage": "Usage",
                 "domains": "Domains", "audit": "Audit", "status_changes": "Status history"},
        "subscription": "Subscription",
        "invoices": "Invoices",
        "limits": "Plan limits",
        "events": "Audit events",
        "created": "Tenant created",  # the audit action tenant.created, as a person reads it
        "changed": "{name} is now on the {plan} plan.",
        "issued": "Invoice {number} issued: {amount}.",
        "plan": "Basic walk",
        "new_plan": "Pro walk",
    },
    "ko": {
        "cards": {"status": "상태별 테넌트", "signups": "주별 가입 (최근 12주)", "funnel": "온보딩 퍼널",
                  "webhooks": "수신 웹훅 문제 (7일)", "provisioning-failures": "프로비저닝 실패",
                  "audit": "최근 감사 이벤트"},
        "tabs": {"general": "개요", "billing": "구독 및 청구서", "usage": "사용량", "domains": "도메인",
                 "audit": "감사", "status_changes": "상태 이력"},
        "subscription": "구독",
        "invoices": "청구서",
        "limits": "요금제 한도",
        "events": "감사 이벤트",
        "created": "테넌트 생성",
        "changed": "{name}의 요금제가 {plan}(으)로 변경되었습니다.",
        "issued": "청구서 {number}이(가) 발행되었습니다: {amount}.",
        "plan": "베이직 워크",  # the plans' Korean names (Plan.name_ko)
        "new_plan": "프로 워크",
    },
}


def host_url(live_server_url, host, path):
    return live_server_url.format(host=host) + path



def shoot(page, who, step, language, width):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{who} {step} ({language}, {width}): the page scrolls sideways by {overflow}px"
    page.screenshot(path=str(ARTIFACTS / f"walk-{who}-{step}-{language}-{width}.png"), full_page=True)


def enrol(**fields):
    """A new tenant the way HQ's "Add tenant" and the sign-up take it in, its provisioning
    task run here (Celery's eager mode) instead of on a worker."""
    from apps.core.tasks_inline import tasks_in_process
    from apps.onboarding.services import tenant_enrol

    with tasks_in_process(), TestCase.captureOnCommitCallbacks(execute=True):
        tenant = tenant_enrol(through_approval=False, **fields)
    tenant.refresh_from_db()
    connection.set_schema_to_public()
    return tenant


def forget_billing(slugs, plan_codes):
    """Billing rows protect tenants and plans: remove them before `committed` drops the tenants."""
    from apps.billing.invalidation import subscriptions_changed
    from apps.billing.models import Invoice, Plan, Subscription
    from apps.tenants.models import Tenant

    connection.set_schema_to_public()
    ids = list(Tenant.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    Invoice.objects.filter(tenant_id__in=ids).delete()
    Subscription.objects.filter(tenant_id__in=ids).delete()
    Tenant.objects.filter(pk__in=ids).update(plan=None)
    Plan.objects.filter(code__in=plan_codes).delete()
    subscriptions_changed(tenant_ids=ids)


# --- The owner's first day ---------------------------------------------------------------------


@pytest.fixture
def new_workspace(committed, request):
    """A workspace just enrolled on a trial plan, its owner without a password yet, and
    the set-password mail it was sent (committed for the web server, removed after)."""
    from apps.billing.models import Plan
    from apps.billing.tests.factories import plan_with_price

    language, width = request.param
    slug = committed.tenant_slug(f"walk-{language}-{width}")
    owner = committed.email(f"owner@{slug}.test")
    committed.email(f"teacher@{slug}.test")
    code = f"walk-trial-{language}-{width}"
    try:
        plan = plan_with_price(code, "29000", trial_days=14, max_staff_users=5, max_branches=3,
                               api_requests_per_month=10_000, storage_mb=500)
        Plan.objects.filter(pk=plan.pk).update(name="Starter", name_ko="스타터")
        plan.refresh_from_db()
        name = {"en": "Sunrise Piano Academy", "ko": "해오름 피아노 학원"}[language]
        mail.outbox = []
        tenant = enrol(slug=slug, name=name, business_type="academy", owner_email=owner,
                       owner_name={"en": "Mina Park", "ko": "박민아"}[language], plan=plan, locale=language)
        assert tenant.status == tenant.Status.ACTIVE, tenant.provisioning_error
        sent = [message for message in mail.outbox if owner in message.to]
        yield {"tenant": tenant, "owner": owner, "mail": sent, "language": language, "width": width}
    finally:
        forget_billing([slug], [code])


@pytest.mark.parametrize("new_workspace", RUNS, ids=RUN_IDS, indirect=True)
def test_the_owners_first_day(browser, live_server_url, live_server_mail, new_workspace):
    from apps.rbac.models import Role

    tenant, owner = new_workspace["tenant"], new_workspace["owner"]
    language, width = new_workspace["language"], new_workspace["width"]
    words = OWNER_WORDS[language]
    host = f"{tenant.slug}.localhost"

    # the e-mail, in the owner's language, with the link to set a password on the workspace's host
    assert len(new_workspace["mail"]) == 1, [m.subject for m in mail.outbox]
    message = new_workspace["mail"][0]
    assert message.subject == words["subject"].format(name=tenant.name)
    assert words["mail"] in message.body
    assert [kind for _html, kind in message.alternatives] == ["text/html"]  # and a plain-text part, the body
    link = urlsplit(re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0))
    assert link.hostname == host, link

    page = new_page(browser, language, width)
    try:
        page.goto(host_url(live_server_url, host, f"{link.path}?{link.query}"))
        page.wait_for_url("**-set-password/?next=%2Fadmin%2F")
        assert words["set_password"] in page.inner_text("h1")
        assert tenant.name in page.inner_text("#brand-name")
        shoot(page, "owner", "set-password", language, width)
        page.fill("input[name=password1]", PASSWORD)
        page.fill("input[name=password2]", PASSWORD)
        page.click("#account-card button[type=submit]")

        # into the workspace's log-in, then its dashboard
        page.wait_for_selector("#login-form")
        assert "/admin/login/" in page.url and tenant.name in page.inner_text("#brand-name")
        page.fill("input[name=username]", owner)
        page.fill("input[name=password]", PASSWORD)
        shoot(page, "owner", "login", language, width)
        page.click("#login-form input[type=submit]")
        page.wait_for_selector("#dashboard")
        setup = page.locator("#card-setup")
        assert words["setup"] in setup.inner_text()
        total = page.locator("#card-setup [data-step]").count()
        assert page.inner_text("#setup-progress") == words["progress"].format(done=0, total=total)
        branch_step = page.locator("#card-setup [data-step='branches.first']")
        invite_step = page.locator("#card-setup [data-step='staff.invite']")
        for step, label in ((branch_step, words["branch"]), (invite_step, words["invite"])):
            assert label in step.inner_text()
            assert step.locator(".dash-tick").inner_text() == "radio_button_unchecked"  # an empty circle
            assert "done" not in (step.get_attribute("class") or "")
        shoot(page, "owner", "dashboard", language, width)

        # add a branch, from the checklist's step
        branch_step.locator("a").click()
        page.wait_for_url("**/admin/branches/branch/add/")
        page.fill("input[name=name]", {"en": "Sunrise Main", "ko": "해오름 본점"}[language])
        shoot(page, "owner", "branch-form", language, width)
        page.click("[name=_save]")
        page.wait_for_selector("ul.messagelist")
        assert {"en": "Sunrise Main", "ko": "해오름 본점"}[language] in page.inner_text("ul.messagelist")
        shoot(page, "owner", "branch-added", language, width)

        # invite a teacher, from the checklist's step
        page.goto(host_url(live_server_url, host, "/admin/"))
        page.wait_for_selector("#dashboard")
        assert page.locator("#card-setup [data-step='branches.first']").get_attribute("data-done") == "true"
        page.click("#card-setup [data-step='staff.invite'] a")
        page.wait_for_url("**/admin/staff/invitation/add/")
        with schema_context(tenant.schema_name):
            teacher_role = str(Role.objects.get(key="teacher").pk)
        connection.set_schema_to_public()
        teacher = f"teacher@{tenant.slug}.test"
        page.fill("input[name=email]", teacher)
        page.fill("input[name=full_name]", {"en": "Jisoo Lee", "ko": "이지수"}[language])
        page.select_option("select#id_roles_from", value=teacher_role)
        page.click("#id_roles_add")
        shoot(page, "owner", "invite-form", language, width)
        page.click("[name=_save]")
        page.wait_for_selector("ul.messagelist")
        assert teacher in page.inner_text("ul.messagelist")
        shoot(page, "owner", "invited", language, width)
        assert re.search(r"/invite/[\w-]+/", read_live_mail(live_server_mail, teacher)[-1])

        # back on the dashboard: both steps ticked
        page.goto(host_url(live_server_url, host, "/admin/"))
        page.wait_for_selector("#dashboard")
        assert page.inner_text("#setup-progress") == words["progress"].format(done=2, total=total)
        for key, label in (("branches.first", words["branch"]), ("staff.invite", words["invite"])):
            step = page.locator(f"#card-setup [data-step='{key}']")
            assert label in step.inner_text()
            assert step.locator(".dash-tick").inner_text() == "check_circle", key  # a ticked circle
            assert step.locator(".dash-tick").is_visible()
            assert "done" in step.get_attribute("class").split()
        assert page.get_attribute("[data-meter=branches]", "data-used") == "1"
        shoot(page, "owner", "dashboard-ticked", language, width)
    finally:
        page.context.close()


# --- HQ's day ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hq_tenant(platform_seed, django_db_blocker):
    """A provisioned tenant, once for all its runs of HQ's day (provisioning takes seconds)."""
    helper = Committed()
    with django_db_blocker.unblock():
        slug = helper.tenant_slug("walk-hq")
        try:
            yield enrol(slug=slug, name="Maple Language Institute", business_type="academy",
                        owner_email=helper.email(f"owner@{slug}.test"))
        finally:
            forget_billing([slug], [])
            helper.cleanup()


@pytest.fixture
def billed_tenant(hq_tenant, request):
    """The tenant on a paid plan, 10 days into its period, last period's invoice paid; and
    a dearer plan to move it to. Its name in the run's language."""
    from apps.billing.invoicing import invoice_issue_for_period
    from apps.billing.models import Invoice, Plan, Subscription
    from apps.billing.tests.factories import active_subscription, plan_with_price
    from apps.tenants.models import Tenant

    language, width = request.param
    codes = [f"walk-basic-{language}-{width}", f"walk-pro-{language}-{width}"]
    try:
        basic = plan_with_price(codes[0], "30000", max_staff_users=5, max_branches=2, api_requests_per_month=10_000,
                                storage_mb=500)
        pro = plan_with_price(codes[1], "60000", max_staff_users=20, max_branches=5, api_requests_per_month=50_000,
                              storage_mb=2048)
        Plan.objects.filter(pk=basic.pk).update(name="Basic walk", name_ko="베이직 워크")
        Plan.objects.filter(pk=pro.pk).update(name="Pro walk", name_ko="프로 워크")
        Tenant.objects.filter(pk=hq_tenant.pk).update(
            name={"en": "Maple Language Institute", "ko": "단풍 어학원"}[language], locale=language)
        tenant = Tenant.objects.get(pk=hq_tenant.pk)
        today = timezone.localdate()
        subscription = active_subscription(tenant, basic, start=today - dt.timedelta(days=40), payment_method="")
        paid = invoice_issue_for_period(subscription=subscription, issue_date=today - dt.timedelta(days=40))
        Invoice.objects.filter(pk=paid.pk).update(status=Invoice.Status.PAID, paid_at=timezone.now())
        Subscription.objects.filter(pk=subscription.pk).update(current_period_start=today - dt.timedelta(days=10),
                                                               current_period_end=today + dt.timedelta(days=20))
        yield {"tenant": tenant, "pro": pro, "paid": paid, "subscription": subscription, "language": language,
               "width": width}
    finally:
        forget_billing([hq_tenant.slug], codes)


def tab_label(page, tab):
    return page.eval_on_selector(f"#tabs-items a[href='#{tab}'], #tabs-dropdown a[href='#{tab}']",
                                 "a => a.textContent.trim()")


@pytest.mark.parametrize("billed_tenant", RUNS, ids=RUN_IDS, indirect=True)
def test_hqs_day(browser, live_server_url, billed_tenant):
    from apps.billing.models import Invoice
    from apps.core.money import format_money

    tenant, pro = billed_tenant["tenant"], billed_tenant["pro"]
    language, width = billed_tenant["language"], billed_tenant["width"]
    words = HQ_WORDS[language]

    page = new_page(browser, language, width)
    try:
        # log in: password, then the authenticator's code; the dashboard's cards
        browser_hq_login(page, live_server_url)
        page.wait_for_selector("#ops-dashboard")
        for card, title in words["cards"].items():
            section = page.locator(f"#card-{card}")
            assert section.is_visible(), card
            assert section.locator("h2").inner_text().strip() == title
        assert int(page.inner_text("#card-status .big")) >= 3  # the session's tenants and this one
        shoot(page, "hq", "dashboard", language, width)

        # find the tenant in the list and open it
        page.click("#ops-dashboard .ops-links a[href$='/admin/tenants/tenant/']")
        page.wait_for_selector("#result_list")
        page.fill("#changelist-search input[name=q], input[name=q]", tenant.slug)
        page.press("input[name=q]", "Enter")
        page.wait_for_url(f"**q={tenant.slug}*")
        assert tenant.name in page.inner_text("#result_list")
        shoot(page, "hq", "tenants", language, width)
        page.click(f"#result_list a[href*='/admin/tenants/tenant/{tenant.pk}/change/']")
        page.wait_for_selector("#tenant-overview")

        # every tab, its content
        for tab, title in words["tabs"].items():
            assert tab_label(page, tab) == title, tab
            if tab != "general":
                open_tab(page, tab)
            group = page.locator(f"#{tab}-group")
            assert group.is_visible()
            for other in set(words["tabs"]) - {tab}:
                assert not page.is_visible(f"#{other}-group"), f"{other} shows on the {tab} tab"
            text = group.inner_text()
            if tab == "general":
                assert f"{tenant.slug}.localhost" in page.inner_text("#primary-host")
                assert words["plan"] in page.inner_text("#overview-plan")
                assert tenant.owner_email in page.inner_text("#tenant-owner")
            elif tab == "billing":
                assert words["subscription"] in page.inner_text("#tenant-plan h2")
                assert words["plan"] in page.inner_text("#plan-name") and "₩30,000" in page.inner_text("#plan-price")
                assert words["invoices"] in page.inner_text("#tenant-invoices h2")
                assert page.locator("#tenant-invoices tbody tr").count() == 1
                assert billed_tenant["paid"].number in text
            elif tab == "usage":
                assert words["limits"] in text
                branches = page.inner_text("#usage-group [data-meter=branches] .ops-meter-value")
                assert "0" in branches and "2" in branches, branches  # none yet, of the plan's two
            elif tab == "domains":
                assert page.input_value("#domains-group input[name='domains-0-domain']") == f"{tenant.slug}.localhost"
            elif tab == "audit":
                assert words["events"] in text and page.locator("#audit-group tbody tr").count() >= 2
                assert "tenant.created" not in text and "tenant.provisioned" not in text  # labels, not codes
                assert words["created"] in text, text
            elif tab == "status_changes":
                assert page.locator("#status_changes-group tbody tr").count() >= 2  # provisioning, active
            shoot(page, "hq", f"tab-{tab}", language, width)

        # change the plan
        open_tab(page, "billing")
        page.click("#billing-group [data-action=change-plan]")
        page.wait_for_selector("select[name=plan]")
        assert words["plan"] in page.inner_text("#plan-current"), page.inner_text("#plan-current")  # its own name
        option = page.inner_text(f"select[name=plan] option[value='{pro.pk}']")
        assert words["new_plan"] in option and "₩60,000" in option, option
        page.select_option("select[name=plan]", str(pro.pk))
        page.fill("textarea[name=reason]", {"en": "asked by phone", "ko": "전화로 요청"}[language])
        shoot(page, "hq", "change-plan", language, width)
        page.click("#confirm")
        page.wait_for_selector("ul.messagelist")
        invoice = Invoice.objects.filter(subscription=billed_tenant["subscription"]).order_by("-pk").first()
        assert invoice.pk != billed_tenant["paid"].pk
        amount = format_money(invoice.total, invoice.currency, locale=language)
        messages = page.inner_text("ul.messagelist")
        assert words["changed"].format(name=tenant.name, plan=words["new_plan"]) in messages, messages
        assert words["issued"].format(number=invoice.number, amount=amount) in messages, messages
        shoot(page, "hq", "plan-changed", language, width)

        # the new invoice on the subscription tab, and it opens
        open_tab(page, "billing")
        assert words["new_plan"] in page.inner_text("#plan-name")
        row = page.locator(f"#tenant-invoices tr[data-invoice='{invoice.number}']")
        assert row.is_visible() and amount in row.inner_text()
        assert page.locator("#tenant-invoices tbody tr").count() == 2
        shoot(page, "hq", "invoices", language, width)
        row.locator(f"a:text-is('{invoice.number}')").click()
        page.wait_for_url(f"**/admin/billing/invoice/{invoice.pk}/change/")
        content = page.inner_text("#content")
        assert invoice.number in content and amount in content, content[:2000]
        shoot(page, "hq", "invoice", language, width)
    finally:
        page.context.close()
