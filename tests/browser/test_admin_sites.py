"""The ops portal and a tenant admin in a real browser (Playwright + Debian Chromium)."""

import pytest

from tests.plugin import ARTIFACTS, PASSWORD, browser_hq_login

pytestmark = pytest.mark.browser


def url(live_server_url, host, path):
    return live_server_url.format(host=host) + path


def log_in(page, live_server_url, host, email):
    page.goto(url(live_server_url, host, "/admin/"))
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")


def test_hq_staff_use_the_ops_portal(page, live_server_url):
    browser_hq_login(page, live_server_url)
    assert "Platform ops portal" in page.inner_text("#site-name")
    page.click("a[href=\"/admin/tenants/tenant/\"]")
    page.wait_for_selector("#result_list")
    table = page.inner_text("#result_list")
    assert "alpha" in table and "beta" in table
    page.screenshot(path=str(ARTIFACTS / "ops-portal-tenants.png"), full_page=True)


def test_owner_uses_own_tenant_admin_only(page, live_server_url):
    log_in(page, live_server_url, "alpha.localhost", "owner@alpha.test")
    page.wait_for_selector("#site-name")
    assert "Alpha Academy" in page.inner_text("#site-name")
    page.click("a[href=\"/admin/rbac/role/\"]")
    page.wait_for_selector("#result_list")
    assert "Owner" in page.inner_text("#result_list")
    page.screenshot(path=str(ARTIFACTS / "tenant-admin-roles.png"), full_page=True)
    # the same browser, now at beta: not logged in there, and alpha's owner cannot enter
    page.goto(url(live_server_url, "beta.localhost", "/admin/"))
    assert "/admin/login/" in page.url
    log_in(page, live_server_url, "beta.localhost", "owner@alpha.test")
    assert "cannot use this admin site" in page.inner_text(".errornote")
    page.goto(url(live_server_url, "localhost", "/admin/"))
    assert "/admin/login/" in page.url


def test_unknown_workspace_page_is_friendly(page, live_server_url):
    response = page.goto(url(live_server_url, "nobody.localhost", "/"))
    assert response.status == 404
    assert "There is no workspace at this address." in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "unknown-workspace.png"))
