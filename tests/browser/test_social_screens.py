# ruff: noqa: F811  (the double's fixture is imported, then named as a test argument)
"""Kakao and Naver login in a real browser (Playwright + Debian Chromium) against the
provider double, in English and Korean, at 1280x800 and a phone's 390x844: the log-in
page's buttons, the link page (an existing account's e-mail) and the e-mail page (Kakao
without an e-mail). Screenshots: test-artifacts/social-{login,link,email}-{desktop,phone}-{en,ko}.png."""

import subprocess
import sys

import pytest

from apps.accounts.models import User
from tests.browser.screens import new_page
from tests.plugin import (
    ARTIFACTS,
    PASSWORD,
    ROOT,
    _free_port,
    _stop,
    _wait_for_port,
    artifact_log,
    subprocess_env,
)
from tests.social_fixtures import CLIENT_IDS, oauth_double_process  # noqa: F401

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
EXISTING = "screens.social@beta-social.test"


@pytest.fixture(scope="module")
def social_server(platform_seed, live_server_mail, oauth_double_process):
    """The web server with the Kakao and Naver apps configured and pointed at the double."""
    port = _free_port()
    log = artifact_log("web-social")
    double = oauth_double_process.url
    env = subprocess_env(EMAIL_URL=f"filemail:///{live_server_mail}", KAKAO_CLIENT_ID=CLIENT_IDS["kakao"],
                         KAKAO_SECRET="kakao-secret", NAVER_CLIENT_ID=CLIENT_IDS["naver"], NAVER_SECRET="naver-secret",
                         KAKAO_AUTH_URL=double, KAKAO_API_URL=double, NAVER_AUTH_URL=double, NAVER_API_URL=double)
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log)
        yield f"http://beta.localhost:{port}"
    finally:
        _stop(process, seconds=10)


@pytest.fixture
def existing_account(django_db_blocker):
    with django_db_blocker.unblock():
        user = User.objects.create_user(EXISTING, PASSWORD, full_name="Screens Social")
    yield user
    with django_db_blocker.unblock():
        User.objects.filter(pk=user.pk).delete()


def shoot(page, name, language):
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(150)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} ({size}): the page scrolls sideways by {overflow}px"
        page.screenshot(path=str(ARTIFACTS / f"{name}-{size}-{language}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def _kakao(page):
    page.click("a[href^='/accounts/kakao/login/']")
    page.wait_for_selector("form button[type=submit], form input[type=submit]")
    page.locator("form button[type=submit], form input[type=submit]").last.click()  # allauth's "Continue"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_social_screens(browser, social_server, oauth_double_process, existing_account, language):
    oauth_double_process.reset(users={"kakao": {"4004": {"email": EXISTING, "nickname": "Screens"},
                                                "4005": {"nickname": "No Mail"}}}, login_as={"kakao": "4004"})
    page = new_page(browser, language)
    page.goto(social_server + "/accounts/login/")
    assert page.locator("a[href^='/accounts/kakao/login/']").is_visible()
    assert page.locator("a[href^='/accounts/naver/login/']").is_visible()
    shoot(page, "social-login", language)

    _kakao(page)
    page.wait_for_url("**/accounts/3rdparty/link/")
    text = page.inner_text("body")
    assert EXISTING in text and {"en": "Link your account", "ko": "계정 연결"}[language] in text
    shoot(page, "social-link", language)

    oauth_double_process.control(login_as={"kakao": "4005"})
    page.goto(social_server + "/accounts/login/")
    _kakao(page)
    page.wait_for_url("**/accounts/3rdparty/signup/")
    assert page.locator("input[name=email]").is_visible()
    text = page.inner_text("#account-card")
    assert {"en": "did not share an e-mail address", "ko": "이메일 주소를 공유하지 않았습니다"}[language] in text
    assert "example.com" not in text and "following form" not in text  # allauth's own words are gone
    shoot(page, "social-email", language)
    page.context.close()
