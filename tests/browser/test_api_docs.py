"""The OpenAPI docs render in a browser without any CDN (the machine has no internet)."""

import pytest

from tests.plugin import ARTIFACTS

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_tenant_api(page, live_server_url):
    page.goto(live_server_url.format(host="alpha.localhost") + "/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=20000)  # the tags, folded
    tags = [text.split("\n")[0].strip() for text in page.locator(".opblock-tag").all_inner_texts()]
    assert {"auth", "academy", "orders", "webhooks", "my"} <= set(tags), tags
    page.click(".opblock-tag[data-tag='auth']")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/auth/token/']", timeout=20000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/auth/token/" in paths
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
