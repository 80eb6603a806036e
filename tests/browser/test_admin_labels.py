"""Labels where people read codes, in a real browser (Playwright + Debian Chromium), in
English and Korean, at 1280x800 and 390x844 (screenshots: test-artifacts/labels-*.png):
the role matrix, a role's page and the API-key form name permissions by label; the audit
log and its filter name actions by label; customers' phone numbers read 010-1234-5678."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.plugin import ARTIFACTS, PASSWORD, browser_hq_login

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "ko": "ko-KR"}
EXPECTED = {
    "en": {"permission": "Customers", "action": "View", "audit": "Logged in", "role": "Permissions"},
    "ko": {"permission": "고객", "action": "보기", "audit": "로그인", "role": "권한"},
}


def url(live_server_url, path, host="localhost"):
    return live_server_url.format(host=host) + path


@pytest.fixture
def customer(committed):
    from apps.crm.models import Customer

    with schema_context("alpha"):
        created = Customer.objects.create(name="라벨 고객", phone="010-1234-5678", email="label@example.com")
    connection.set_schema_to_public()
    yield created
    with schema_context("alpha"):
        Customer.objects.filter(pk=created.pk).delete()
    connection.set_schema_to_public()


def new_page(browser, language):
    page = browser.new_context(locale=LOCALES[language], viewport=DESKTOP).new_page()
    page.set_default_timeout(15000)
    return page


def shoot(page, name, language):
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"labels-{name}-{size}-{language}.png"), full_page=size == "desktop")
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_tenant_admin_reads_permissions_by_label(browser, live_server_url, customer, language):
    expected = EXPECTED[language]
    page = new_page(browser, language)
    page.goto(url(live_server_url, "/admin/", host="alpha.localhost"))
    page.fill("input[name=username]", "owner@alpha.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#nav-sidebar-apps")

    page.goto(url(live_server_url, "/admin/rbac/role/matrix/", host="alpha.localhost"))
    matrix = page.inner_text("table.matrix")
    assert expected["permission"] in matrix and expected["action"] in matrix
    assert "customer:view" not in matrix and "apikey" not in matrix
    shoot(page, "role-matrix", language)

    with schema_context("alpha"):
        from apps.rbac.models import Role

        manager = Role.objects.get(key="manager")
    connection.set_schema_to_public()
    page.goto(url(live_server_url, f"/admin/rbac/role/{manager.pk}/change/", host="alpha.localhost"))
    granted = page.inner_text("ul.permission-list >> nth=0")
    assert expected["permission"] in granted and ":" not in granted
    shoot(page, "role-change", language)

    page.goto(url(live_server_url, "/admin/apikeys/apikey/add/", host="alpha.localhost"))
    boxes = page.inner_text(".field-perms")
    assert expected["permission"] in boxes and "customer:view" not in boxes
    shoot(page, "apikey-add", language)

    page.goto(url(live_server_url, "/admin/crm/customer/", host="alpha.localhost"))
    assert "010-1234-5678" in page.inner_text("#result_list") and "+8210" not in page.inner_text("#result_list")
    page.context.close()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_ops_audit_log_reads_actions_by_label(browser, live_server_url, language):
    expected = EXPECTED[language]
    page = new_page(browser, language)
    browser_hq_login(page, live_server_url)
    assert "auth.mfa_succeeded" not in page.inner_text("#card-audit")
    page.goto(url(live_server_url, "/admin/audit/auditevent/"))
    page.wait_for_selector("#result_list")
    listed = page.inner_text("#result_list")
    assert expected["audit"] in listed and "auth.login_succeeded" not in listed
    shoot(page, "audit-log", language)
    page.goto(url(live_server_url, "/admin/roletemplates/roletemplate/1/change/"))
    permissions = page.inner_text(".field-permission")
    assert expected["permission"] in permissions and "view_customer" not in permissions and " | " not in permissions
    shoot(page, "role-template", language)
    page.context.close()
