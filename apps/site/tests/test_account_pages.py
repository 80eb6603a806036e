"""The account pages a person meets on the way in (allauth's log-in, password reset and
set-password, e-mail verification, MFA, sign-up closed; the staff invitation) wear the
admin login's look: on a tenant host the workspace's name and brand colour
(apps.site.context.admin_look), on the public host the ops portal's; they lead back into
the admin; "Forgot password?" works from both admin logins; no page links to sign-up while
it is closed; and they read in Korean."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.site.theme import brand_theme
from tests.plugin import client_for

BRAND = "#0f766e"  # a colour of alpha's own for these tests (the default is a plain blue)
WORKSPACE_NAME = "Alpha Test Academy"
# allauth's stock layout and form rendering
STOCK_MARKS = ("<strong>Menu:</strong>", "<strong>Messages:</strong>", "<strong>메뉴:</strong>")
INPUT = re.compile(r"<input\b[^>]*>", re.S)


@pytest.fixture
def branded(db):
    """alpha under its own name and colour (workspace settings), as its admin shows them."""
    from apps.workspace.models import WorkspaceSettings

    with schema_context("alpha"):
        WorkspaceSettings.objects.update_or_create(pk=1, defaults={"display_name": WORKSPACE_NAME,
                                                                   "primary_color": BRAND})
    connection.set_schema_to_public()


@pytest.fixture
def invitation_token(branded):
    from apps.core.secrets import secret_hash
    from apps.rbac.models import Role
    from apps.staff.models import Invitation

    token = secrets.token_urlsafe(24)
    with schema_context("alpha"):
        invitation = Invitation.objects.create(email="newcomer@example.com", token_hash=secret_hash(token),
                                               expires_at=timezone.now() + timedelta(days=7))
        invitation.roles.set(Role.objects.filter(key="teacher"))
    connection.set_schema_to_public()
    return token


def owner_first_link(owner) -> str:
    """The path (and query) of the link a new owner gets (apps.tenants.invites)."""
    from apps.tenants.invites import owner_invite_link
    from apps.tenants.models import Tenant

    url = urlsplit(owner_invite_link(user=owner, tenant=Tenant.objects.get(slug="alpha")))
    return f"{url.path}?{url.query}"


def assert_account_page(html: str, path: str, *, name: str = WORKSPACE_NAME, brand: str | None = BRAND):
    assert 'id="account-card"' in html or 'id="login-form"' in html, f"{path}: not the account layout"
    assert "unfold/css/styles.css" in html and "site/admin.css" in html, f"{path}: not the admin's look"
    assert re.search(rf'id="brand-name">\s*{re.escape(name)}\s*<', html), f"{path}: without the name {name!r}"
    if brand:
        assert f"--brand-primary: {brand}" in html, f"{path}: without the workspace's colour"
        assert f"--color-primary-600: {brand_theme(brand)['palette']['600']}" in html, f"{path}: not its palette"
    for mark in STOCK_MARKS:
        assert mark not in html, f"{path}: allauth's stock layout ({mark})"
    for tag in INPUT.findall(html):
        if 'type="hidden"' not in tag:
            assert "class=" in tag, f"{path}: an unstyled input {tag}"
    assert 'href="/accounts/signup/"' not in html, f"{path}: links to sign-up"


def anonymous_pages(owner, invitation_token) -> dict[str, str]:
    """Path -> what the page is, for someone not logged in on alpha's host."""
    client = client_for("alpha")
    set_password = client.get(owner_first_link(owner))["Location"]  # the key moves into the session
    return {
        "/admin/login/": "the admin login",
        "/accounts/login/": "allauth's log-in",
        "/accounts/password/reset/": "password reset request",
        "/accounts/password/reset/done/": "password reset sent",
        set_password: "set password (the owner's first link)",
        "/accounts/password/reset/key/1-made-up/": "set password, a dead link",
        "/accounts/password/reset/key/done/": "password set",
        "/accounts/signup/": "sign-up closed",
        "/accounts/confirm-email/": "verification sent",
        "/accounts/confirm-email/made-up/": "e-mail confirmation, a dead link",
        "/accounts/inactive/": "account inactive",
        f"/invite/{invitation_token}/": "invitation accept",
    }, client


def test_account_pages_on_a_tenant_host_wear_the_workspace_brand(owner_alpha, invitation_token):
    pages, client = anonymous_pages(owner_alpha, invitation_token)
    for path, what in pages.items():
        response = client.get(path)
        assert response.status_code == 200, f"{what} ({path}): {response.status_code}"
        assert_account_page(response.content.decode(), f"{what} ({path})")


def test_pages_of_a_logged_in_person_wear_the_brand_too(owner_alpha, branded):
    """allauth's manage pages (e-mail, password, two-factor authentication) and a
    re-authentication step, reached by URL."""
    from tests.admin_pages import tenant_admin_client

    client = tenant_admin_client("owner@alpha.test")
    for path in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/logout/",
                 "/accounts/reauthenticate/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert_account_page(html, path)
        assert 'href="/admin/" id="back-to-admin"' in html, f"{path}: no way back into the workspace"


def test_used_invitation_page_wears_the_brand_and_offers_the_login(invitation_token):
    from apps.staff.models import Invitation

    with schema_context("alpha"):
        Invitation.objects.update(status=Invitation.Status.REVOKED)
    connection.set_schema_to_public()
    response = client_for("alpha").get(f"/invite/{invitation_token}/")
    html = response.content.decode()
    assert response.status_code == 410
    assert_account_page(html, "invitation gone")
    assert 'href="/admin/login/" id="continue"' in html


def test_public_host_account_pages_wear_the_ops_portal_look(db):
    for path in ("/accounts/password/reset/", "/accounts/password/reset/done/", "/accounts/signup/",
                 "/accounts/login/"):
        html = client_for(None).get(path).content.decode()
        assert_account_page(html, path, name="Platform ops portal", brand=None)
        assert "--brand-primary" not in html and 'id="platform-footer"' not in html
        assert 'href="/admin/login/"' in html or path == "/accounts/login/"  # the way back: the ops portal


def test_account_pages_lead_back_into_the_admin(owner_alpha, invitation_token):
    pages, client = anonymous_pages(owner_alpha, invitation_token)
    for path in ("/accounts/password/reset/", "/accounts/password/reset/done/", "/accounts/confirm-email/",
                 "/accounts/password/reset/key/1-made-up/", "/accounts/signup/", f"/invite/{invitation_token}/"):
        html = client.get(path).content.decode()
        assert 'href="/admin/login/"' in html, f"{path}: no way back to the workspace's log-in"
    done = client.get("/accounts/password/reset/key/done/").content.decode()
    assert 'href="/admin/" id="continue"' in done and f"Log in to {WORKSPACE_NAME}" in done


def test_owner_first_link_sets_the_password_and_goes_into_the_workspace(owner_alpha, branded):
    client = client_for("alpha")
    form_url = client.get(owner_first_link(owner_alpha))["Location"]
    assert form_url.endswith("-set-password/?next=%2Fadmin%2F")
    page = client.get(form_url).content.decode()
    assert "Set your password" in page and f"Choose the password you will log in to {WORKSPACE_NAME} with." in page
    response = client.post(form_url, {"password1": "Owner-first-2026!", "password2": "Owner-first-2026!"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    login = client.get("/admin/", follow=True).content.decode()
    assert 'id="login-form"' in login and WORKSPACE_NAME in login


@pytest.mark.parametrize("slug, email", [("alpha", "owner@alpha.test"), (None, "hq@platform.test")])
def test_forgot_password_on_both_admin_logins(db, slug, email):
    client = client_for(slug)
    login = client.get("/admin/login/").content.decode()
    link = re.search(r'<a href="([^"]+)"[^>]*id="forgot-password"', login)
    assert link and link.group(1) == "/accounts/password/reset/"
    assert client.get(link.group(1)).status_code == 200
    response = client.post(link.group(1), {"email": email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    message = mail.outbox[-1]
    assert message.to == [email]
    host = "alpha.localhost" if slug else "localhost"
    assert re.search(rf"https?://{re.escape(host)}(:\d+)?/accounts/password/reset/key/", message.body)


def test_no_page_links_to_sign_up_while_it_is_closed(owner_alpha, invitation_token):
    pages, client = anonymous_pages(owner_alpha, invitation_token)
    for slug in ("alpha", None):
        for path in ("/admin/login/", "/accounts/login/", "/accounts/password/reset/", "/accounts/signup/"):
            assert 'href="/accounts/signup/"' not in client_for(slug).get(path).content.decode(), (slug, path)
    with override_settings(ACCOUNT_SIGNUP_OPEN=True):  # open: the log-in offers it
        assert 'href="/accounts/signup/"' in client_for("alpha").get("/accounts/login/").content.decode()


def test_sign_up_closed_says_where_to_go(branded):
    html = client_for("alpha").get("/accounts/signup/").content.decode()
    assert "Sign-up is closed" in html and f"Ask the person who runs {WORKSPACE_NAME} to invite you" in html
    assert 'href="/admin/login/"' in html and 'href="/accounts/password/reset/"' in html
    public = client_for(None).get("/accounts/signup/").content.decode()
    assert "HQ staff get their accounts from an administrator" in public


KOREAN = {
    "/admin/login/": ("비밀번호를 잊으셨나요?",),
    "/accounts/login/": ("비밀번호를 잊으셨나요?", "로그인"),
    "/accounts/password/reset/": ("비밀번호 재설정", "링크 보내기", "로그인으로 돌아가기"),
    "/accounts/password/reset/done/": ("이메일을 확인하세요", "링크 다시 보내기"),
    "/accounts/password/reset/key/1-made-up/": ("이 링크는 더 이상 사용할 수 없습니다", "새 링크 받기"),
    "/accounts/password/reset/key/done/": ("비밀번호가 설정되었습니다", f"{WORKSPACE_NAME}에 로그인"),
    "/accounts/signup/": ("직접 가입은 받지 않습니다", "이미 계정이 있으신가요?"),
}
ENGLISH = ("Back to log in", "Forgot password?", "Reset your password", "Send the link", "Check your e-mail",
           "This link no longer works", "Your password is set", "Sign-up is closed", "Set your password")


def test_account_pages_in_korean(owner_alpha, invitation_token):
    pages, client = anonymous_pages(owner_alpha, invitation_token)
    korean = {**KOREAN, f"/invite/{invitation_token}/": ("합류", "초대 수락", "이미 팀원이신가요? 로그인")}
    set_password = next(path for path, what in pages.items() if what.startswith("set password (the owner"))
    korean[set_password] = ("비밀번호 설정", f"{WORKSPACE_NAME}에 로그인할 때 쓸 비밀번호를 정하세요.")
    for path, expected in korean.items():
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
        assert 'lang="ko"' in html, path
        for text in expected:
            assert text in html, f"{path}: {text!r}"
        for text in ENGLISH:
            assert text not in html, f"{path}: English {text!r}"
