"""The account pages on a tenant host and the empty lists, in a real browser (Playwright +
Debian Chromium), in English and Korean, at 1280x800 and at a phone's 390x844:

- the workspace admin's log-in -> "Forgot password?" -> the reset request -> the mail's
  link works on the same host; the owner's first link (set password) -> into the
  workspace's log-in; the staff invitation. Each in the workspace's name and colour.
- an empty list says what it is for and offers the first action (branches, customers).

Screenshots: test-artifacts/account-{login,reset,reset-sent,set-password,invite-accept}-
{desktop,phone}-{en,ko}.png and empty-{branches,customers}-desktop-{en,ko}.png."""

import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.site.theme import brand_theme
from tests.browser.screens import new_page
from tests.plugin import ARTIFACTS, PASSWORD, read_live_mail

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
OWNER = "owner@alpha.test"


def url(live_server_url, path, host="alpha.localhost"):
    return live_server_url.format(host=host) + path



def shoot(page, name, language, viewports=(DESKTOP, PHONE)):
    for viewport in viewports:
        size = "desktop" if viewport == DESKTOP else "phone"
        page.set_viewport_size(viewport)
        page.wait_for_timeout(150)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} ({size}): the page scrolls sideways by {overflow}px"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}-{language}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def rgb(colour: str) -> str:
    colour = colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (0, 2, 4)))


def alpha_brand() -> tuple[str, str]:
    from apps.tenants.models import Tenant
    from apps.workspace.services import workspace_branding

    tenant = Tenant.objects.get(slug="alpha")
    with schema_context("alpha"):
        branding = workspace_branding(tenant=tenant)
    connection.set_schema_to_public()
    return branding["name"], branding["primary"]


def assert_workspace_look(page, name: str, primary: str, button: str):
    assert name in page.inner_text("#brand-name")
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand-primary')"
                         ).strip() == primary
    background = page.evaluate(f"getComputedStyle(document.querySelector({button!r})).backgroundColor")
    assert background == rgb(brand_theme(primary)["palette"]["600"]), f"{button}: {background}"
    assert not page.query_selector("a[href*='/accounts/signup/']")


@pytest.fixture
def invitation(committed):
    """A pending invitation to alpha with a known link."""
    from apps.core.secrets import secret_hash
    from apps.rbac.models import Role
    from apps.staff.models import Invitation

    token = secrets.token_urlsafe(24)
    with schema_context("alpha"):
        row = Invitation.objects.create(email="account-pages@example.com", token_hash=secret_hash(token),
                                        expires_at=timezone.now() + timedelta(days=7))
        row.roles.set(Role.objects.filter(key="teacher"))
    connection.set_schema_to_public()
    yield token
    with schema_context("alpha"):
        Invitation.objects.filter(pk=row.pk).delete()
    connection.set_schema_to_public()


def owner_first_link() -> str:
    from apps.accounts.models import User
    from apps.tenants.invites import owner_invite_link
    from apps.tenants.models import Tenant

    link = urlsplit(owner_invite_link(user=User.objects.get(email=OWNER), tenant=Tenant.objects.get(slug="alpha")))
    return f"{link.path}?{link.query}"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_account_pages_on_a_tenant_host(browser, live_server_url, live_server_mail, invitation, language):
    name, primary = alpha_brand()
    page = new_page(browser, language)
    texts = {"en": ("Forgot password?", "Reset your password", "Check your e-mail", "Set your password"),
             "ko": ("비밀번호를 잊으셨나요?", "비밀번호 재설정", "이메일을 확인하세요", "비밀번호 설정")}[language]

    # the workspace admin's log-in, and its "Forgot password?"
    page.goto(url(live_server_url, "/admin/login/"))
    assert_workspace_look(page, name, primary, "#login-form input[type=submit]")
    assert page.inner_text("#forgot-password").strip() == texts[0]
    shoot(page, "account-login", language)
    page.click("#forgot-password")
    page.wait_for_url("**/accounts/password/reset/")
    assert texts[1] in page.inner_text("h1")
    assert_workspace_look(page, name, primary, "#account-card button[type=submit]")
    shoot(page, "account-reset", language)
    page.fill("input[name=email]", OWNER)
    page.click("#account-card button[type=submit]")
    page.wait_for_url("**/accounts/password/reset/done/")
    assert texts[2] in page.inner_text("h1")
    shoot(page, "account-reset-sent", language)
    # the mail's link works, on this host
    body = read_live_mail(live_server_mail, OWNER)[-1]
    link = re.search(r"https?://alpha\.localhost(?::\d+)?(/accounts/password/reset/key/\S+/)", body).group(1)
    page.goto(url(live_server_url, link))
    page.wait_for_url("**-set-password/")
    assert page.is_visible("input[name=password1]")

    # the owner's first link: set the password, then into the workspace's log-in
    page.goto(url(live_server_url, owner_first_link()))
    page.wait_for_url("**-set-password/?next=%2Fadmin%2F")
    assert texts[3] in page.inner_text("h1")
    assert_workspace_look(page, name, primary, "#account-card button[type=submit]")
    shoot(page, "account-set-password", language)
    page.fill("input[name=password1]", PASSWORD)  # the same one: other tests log in with it
    page.fill("input[name=password2]", PASSWORD)
    page.click("#account-card button[type=submit]")
    page.wait_for_selector("#login-form")
    assert "/admin/login/" in page.url and name in page.inner_text("#brand-name")

    # the staff invitation
    page.goto(url(live_server_url, f"/invite/{invitation}/"))
    assert "account-pages@example.com" in page.inner_text("main")
    assert_workspace_look(page, name, primary, "#invite-form button[type=submit]")
    shoot(page, "account-invite-accept", language)
    page.context.close()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_empty_lists_say_what_they_are_for(browser, live_server_url, committed, language):
    from apps.branches.models import Branch
    from apps.crm.models import Customer

    with schema_context("alpha"):
        empty = not Branch.objects.exists() and not Customer.objects.exists()
    connection.set_schema_to_public()
    if not empty:
        pytest.skip("alpha has branches or customers (another test's data)")
    page = new_page(browser, language)
    page.goto(url(live_server_url, "/admin/"))
    page.fill("input[name=username]", OWNER)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#nav-sidebar-apps", state="attached")
    expected = {
        "branches": {"en": ("No branches yet", "Branches are your locations.", "Add branch"),
                     "ko": ("등록된 지점 없음", "지점은 사업장의 각 위치입니다.", "지점 추가")},
        "customers": {"en": ("No customers yet", "Customers are the people you serve", "Add customer"),
                      "ko": ("등록된 고객 없음", "고객은 서비스를 받는 분들로", "고객 추가")},
    }
    for name, path in (("branches", "/admin/branches/branch/"), ("customers", "/admin/crm/customer/")):
        page.goto(url(live_server_url, path))
        page.wait_for_selector("#empty-state")
        text = page.inner_text("#empty-state")
        for part in expected[name][language]:
            assert part in text, f"{name}: {part!r} not in {text!r}"
        page.click("#empty-add")
        page.wait_for_url(f"**{path}add/")
        page.go_back()
        page.wait_for_selector("#empty-state")
        shoot(page, f"empty-{name}", language, viewports=(DESKTOP,))
    page.context.close()
