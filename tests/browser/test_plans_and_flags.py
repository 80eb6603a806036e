"""HQ creates a plan and a flag in the ops portal, targets tenant alpha, and alpha's
GET /api/v1/flags/ changes (real browser, real web server)."""

import pytest
import requests

from tests.plugin import ARTIFACTS, PASSWORD, browser_hq_login

pytestmark = pytest.mark.browser


def tenant_api(live_server_url, slug, path, token=None, method="get", json=None):
    headers = {"Host": f"{slug}.localhost", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, live_server_url.format(host="127.0.0.1") + path, headers=headers, json=json,
                            timeout=10)


def flags_of(live_server_url, slug):
    token = tenant_api(live_server_url, slug, "/api/v1/auth/token/", method="post",
                       json={"email": f"owner@{slug}.test", "password": PASSWORD}).json()["access"]
    response = tenant_api(live_server_url, slug, "/api/v1/flags/", token)
    assert response.status_code == 200 and "X-RateLimit-Remaining" in response.headers
    return response.json()["flags"]


def test_hq_creates_plan_and_flag_and_the_tenant_sees_it(page, live_server_url, committed):
    from apps.billing.models import Plan
    from apps.flags.models import Flag

    try:
        assert "browser-reports" not in flags_of(live_server_url, "alpha")
        browser_hq_login(page, live_server_url)
        base = live_server_url.format(host="localhost")

        page.goto(base + "/admin/billing/plan/add/")
        page.fill("#id_code", "browser-pro")
        page.fill("#id_name", "Browser Pro")
        page.fill("#id_name_ko", "브라우저 프로")
        page.fill("#id_trial_days", "14")
        page.fill("#id_max_staff_users", "25")
        page.fill("#id_max_branches", "3")
        page.fill("#id_api_requests_per_minute", "600")
        page.screenshot(path=str(ARTIFACTS / "ops-plan-add.png"), full_page=True)
        page.click("[name=_save]")  # unfold: a <button>
        page.wait_for_selector("#result_list")
        assert "Browser Pro" in page.inner_text("#result_list")
        page.screenshot(path=str(ARTIFACTS / "ops-plans.png"), full_page=True)

        page.goto(base + "/admin/flags/flag/add/")
        page.fill("#id_key", "browser-reports")
        page.fill("#id_description", "The new reports screen")
        page.click("#rules-group a.add-row")  # unfold: the link is the add-row
        page.select_option("#id_rules-0-kind", "tenant")
        page.fill("#id_rules-0-values", "alpha")
        page.screenshot(path=str(ARTIFACTS / "ops-flag-add.png"), full_page=True)
        page.click("[name=_save]")  # unfold: a <button>
        page.wait_for_selector("#result_list")
        assert "browser-reports" in page.inner_text("#result_list")

        assert flags_of(live_server_url, "alpha")["browser-reports"] is True
        assert flags_of(live_server_url, "beta")["browser-reports"] is False

        page.goto(base + "/admin/flags/flag/matrix/")
        page.wait_for_selector("#flag-matrix")
        row = page.inner_text("#flag-matrix tbody")
        assert "alpha" in row and "beta" in row
        page.screenshot(path=str(ARTIFACTS / "ops-flag-matrix.png"), full_page=True)
        assert Plan.objects.get(code="browser-pro").max_staff_users == 25
    finally:
        Flag.objects.filter(key="browser-reports").delete()
        Plan.objects.filter(code="browser-pro").delete()
