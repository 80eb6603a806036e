"""Sessions and devices in a real browser (Playwright + Debian Chromium), in English and
Korean, at 1280x800 and a phone's 390x844: alpha's owner has logged in from two apps (an
iPhone, a Windows laptop: tokens over HTTP), opens the page from the tenant admin's user
menu, reads each device, IP and last use, and ends the phone's session; the phone's refresh
token stops working at once, the laptop's goes on.

Screenshots: test-artifacts/sessions-{desktop,phone}-{en,ko}.png."""

from __future__ import annotations

import jwt
import pytest
import requests

from tests.browser.screens import new_page, no_raw_codes, shoot
from tests.plugin import ARTIFACTS, PASSWORD

pytestmark = pytest.mark.browser

OWNER = "owner@alpha.test"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.0 Mobile/15E148 Safari/604.1")
WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
           "Safari/537.36")
WORDS = {
    "en": {"menu": "Sessions and devices", "phone": "Safari on iOS", "laptop": "Chrome on Windows", "end": "End",
           "ended": "The session has ended", "ip": "IP address",
           "now": "Last used just now"},
    "ko": {"menu": "세션 및 기기", "phone": "iOS의 Safari", "laptop": "Windows의 Chrome", "end": "종료",
           "ended": "세션을 종료했습니다", "ip": "IP 주소",
           "now": "방금 사용"},
}


def _api(server: str, path: str, body: dict, **headers):
    return requests.post(f"{server}{path}", json=body, headers={"Host": "alpha.localhost", **headers}, timeout=30)


def _sid(pair: dict) -> str:
    return jwt.decode(pair["refresh"], options={"verify_signature": False})["sid"]


@pytest.fixture
def two_apps(live_server_url, committed):
    """The owner's tokens from an iPhone and a Windows laptop; whatever is left is ended after."""
    from apps.accounts.models import User
    from apps.accounts.sessions import session_end
    from apps.tenants.models import Tenant

    server = live_server_url.format(host="127.0.0.1")
    pairs = {}
    for name, agent in (("phone", IPHONE), ("laptop", WINDOWS)):
        response = _api(server, "/api/v1/auth/token/", {"email": OWNER, "password": PASSWORD}, **{"User-Agent": agent})
        assert response.status_code == 200, response.text
        pairs[name] = response.json()
    yield server, pairs
    owner, alpha = User.objects.get(email=OWNER), Tenant.objects.get(slug="alpha")
    for pair in pairs.values():
        session_end(user=owner, tenant=alpha, session=_sid(pair))


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_owner_ends_a_lost_phones_session(browser, live_server_url, two_apps, language):
    server, pairs = two_apps
    words = WORDS[language]
    base = live_server_url.format(host="alpha.localhost")
    page = new_page(browser, language)
    page.goto(f"{base}/admin/")
    page.fill("input[name=username]", OWNER)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")

    # the user menu (the sidebar's foot) has the page
    page.click(".material-symbols-outlined:text-is('unfold_more')")
    page.get_by_role("link", name=words["menu"]).click()
    page.wait_for_selector("#sessions")
    phone_sid = _sid(pairs["phone"])
    phone_row = page.locator(f"li[data-session='{phone_sid}']")
    assert words["phone"] in phone_row.inner_text() and words["ip"] in phone_row.inner_text()
    assert words["laptop"] in page.inner_text("#sessions") and words["now"] in phone_row.inner_text()
    no_raw_codes(page, "#account-card")
    for width, size in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 800 if width == 1280 else 844})
        shoot(page, f"sessions-{size}-{language}")
    page.set_viewport_size({"width": 1280, "height": 800})

    phone_row.get_by_role("button", name=words["end"]).click()
    page.wait_for_selector(f"text={words['ended']}")
    assert page.locator(f"li[data-session='{phone_sid}']").count() == 0
    assert words["laptop"] in page.inner_text("#sessions")
    assert (ARTIFACTS / f"sessions-desktop-{language}.png").exists()

    # the phone is logged out; the laptop goes on
    refused = _api(server, "/api/v1/auth/token/refresh/", {"refresh": pairs["phone"]["refresh"]})
    assert refused.status_code == 401, refused.text
    assert _api(server, "/api/v1/auth/token/refresh/", {"refresh": pairs["laptop"]["refresh"]}).status_code == 200
    page.context.close()
