# ruff: noqa: F811  (the double's fixtures are imported, then named as test arguments)
"""Kakao login through the real web server (its own process, pointed at the provider double
by its environment, as a deployment would be), end to end with the identity hub:

- a consumer of beta logs in with Kakao in a browser's round trip, links to their existing
  account only after its password, gets our tokens by the app flow, and another service, a
  plain Python process, verifies the token with nothing but our JWKS and asks
  check-permission about the person with its own API key;
- two first logins of one Kakao account at once (a double tap) make one account and one
  link, and neither fails."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.db import connection
from django_tenants.utils import schema_context

from tests.plugin import PASSWORD, _free_port, _stop, _wait_for_port, artifact_log, host_for, subprocess_env
from tests.social_fixtures import CLIENT_IDS, oauth_double_process  # noqa: F401
from tests.test_concurrency_guards import race
from tests.test_identity_hub import run_service

DINER = "hub.diner@beta-social.test"


@pytest.fixture(scope="module")
def server(platform_seed, live_server_mail, oauth_double_process):
    """runserver with the Kakao and Naver apps configured by environment variables and the
    providers' addresses pointing at the double."""
    port = _free_port()
    double = oauth_double_process.url
    env = subprocess_env(EMAIL_URL=f"filemail:///{live_server_mail}",
                         KAKAO_AUTH_URL=double, KAKAO_API_URL=double, NAVER_AUTH_URL=double, NAVER_API_URL=double,
                         KAKAO_CLIENT_ID=CLIENT_IDS["kakao"], KAKAO_SECRET="kakao-secret",
                         NAVER_CLIENT_ID=CLIENT_IDS["naver"], NAVER_SECRET="naver-secret")
    log = artifact_log("web-social")
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", "--insecure",
                                    f"127.0.0.1:{port}"], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process, seconds=10)


class Browser:
    """A requests session that talks to one workspace's host on the server (as a browser
    would: cookies, CSRF tokens from the forms, redirects followed by hand)."""

    def __init__(self, server: str, slug: str):
        self.server, self.host = server, host_for(slug)
        self.session = requests.Session()

    def get(self, path: str):
        return self.session.get(f"{self.server}{path}", headers={"Host": self.host}, allow_redirects=False,
                                timeout=30)

    def post(self, path: str, data: dict, *, form_page: str | None = None):
        page = self.get(form_page or path).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.session.post(f"{self.server}{path}", data={**data, "csrfmiddlewaretoken": token},
                                 headers={"Host": self.host, "Referer": f"http://{self.host}{path}"},
                                 allow_redirects=False, timeout=30)

    def kakao_round_trip(self):
        start = self.post("/accounts/kakao/login/", {}, form_page="/accounts/login/")
        assert start.status_code == 302, start.text[:500]
        authorize = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
        assert authorize.status_code == 302, authorize.text
        back = urlsplit(authorize.headers["Location"])
        return self.get(f"{back.path}?{back.query}")


def _diner(tenant_beta):
    from allauth.account.models import EmailAddress

    from apps.consumers.services import consumer_register

    consumer_register(tenant=tenant_beta, email=DINER, password=PASSWORD, name="Hub Diner",
                      consents={"terms": True, "privacy": True, "marketing": False})
    connection.set_schema_to_public()
    EmailAddress.objects.filter(email=DINER).update(verified=True)


@pytest.fixture
def beta_diner(committed):
    from apps.accounts.models import User
    from apps.tenants.models import Tenant

    beta = Tenant.objects.get(slug="beta")
    committed.email(DINER)
    _diner(beta)
    user = User.objects.get(email=DINER)
    yield user
    from apps.consumers.models import Consent
    from apps.crm.models import Customer

    with schema_context("beta"):  # the rows registering made in beta (the account goes with `committed`)
        Consent.objects.filter(customer__user_id=user.pk).delete()
        Customer.objects.filter(user_id=user.pk).delete()


def test_kakao_login_links_after_the_password_and_another_service_trusts_the_token(
        server, oauth_double_process, beta_diner):
    from apps.apikeys.models import ApiKey
    from apps.apikeys.services import api_key_create
    from apps.authz import catalogue

    double = oauth_double_process
    double.reset(users={"kakao": {"7001": {"email": DINER, "nickname": "Hub"}}}, login_as={"kakao": "7001"})
    browser = Browser(server, "beta")

    callback = browser.kakao_round_trip()
    assert callback.status_code == 302 and callback.headers["Location"] == "/accounts/3rdparty/link/", callback.text
    assert not SocialAccount.objects.filter(provider="kakao", uid="7001").exists()  # never silently
    wrong = browser.post("/accounts/3rdparty/link/", {"password": "not-it"})
    assert wrong.status_code == 200 and not SocialAccount.objects.filter(provider="kakao", uid="7001").exists()
    linked = browser.post("/accounts/3rdparty/link/", {"password": PASSWORD})
    assert linked.status_code == 302, linked.text[:500]
    assert SocialAccount.objects.get(provider="kakao", uid="7001").user == beta_diner
    assert browser.get("/accounts/sessions/").status_code == 200  # logged in on beta's host

    # the mobile app: Kakao's token alone now gives our pair for beta
    pair = requests.post(f"{server}/api/v1/auth/social/kakao/", json={"access_token": double.access_token(
        "kakao", "7001")}, headers={"Host": host_for("beta")}, timeout=30)
    assert pair.status_code == 200, pair.text
    access = pair.json()["access"]

    with schema_context("beta"):
        key, secret = api_key_create(name="OMS", perms=["identity:check"], actor=None,
                                     actor_perms={catalogue.django_perm("identity:check")})
    try:
        result = run_service(f"{server}/.well-known/jwks.json", access, server, host_for("beta"), secret)
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert answer["verified"] is True and answer["claims"]["tenant"] == "beta"
        assert answer["claims"]["sub"] == str(beta_diner.public_id)
        # the service asked about a staff permission: the diner is beta's customer, not its staff
        assert answer["status"] == 200, answer
        assert answer["check"] == {**answer["check"], "user": str(beta_diner.public_id), "allowed": False,
                                   "reason": "not_granted"}
    finally:
        with schema_context("beta"):
            ApiKey.objects.filter(pk=key.pk).delete()


def test_two_first_logins_of_one_kakao_account_at_once_make_one_account(server, oauth_double_process, committed):
    from apps.accounts.models import User
    from apps.core.db import xact_lock

    email = committed.email("double.tap@social.test")
    double = oauth_double_process
    double.reset(users={"kakao": {"7002": {"email": email, "nickname": "Tap"}}})
    token = double.access_token("kakao", "7002")

    def first_login():
        return requests.post(f"{server}/api/v1/auth/social/kakao/", json={"access_token": token},
                             headers={"Host": host_for("beta")}, timeout=60)

    # Gate: the lock a first login of this Kakao account takes before it links anything.
    responses = race(lambda: xact_lock("accounts.social:kakao:7002"), [first_login, first_login])
    # a new person: an account and its link, but no membership of beta (they register there next)
    assert [r.status_code for r in responses] == [403, 403], [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses} == {"not_a_member"}
    assert User.objects.filter(email=email).count() == 1
    assert SocialAccount.objects.filter(provider="kakao", uid="7002").count() == 1
