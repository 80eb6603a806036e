# ruff: noqa: F811  (the double's fixtures are imported, then named as test arguments)
"""Kakao and Naver login (apps.accounts.social) against the local double of the providers'
documented endpoints (tests/oauth_provider_double.py): the browser's round trip (our
button, the provider's authorize page, our callback), linking to an existing account only
after its password, Kakao without an e-mail, HQ's TOTP after a social login, and the app
flow (`POST /api/v1/auth/social/{provider}/`)."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.db import connection

from apps.accounts.models import Membership, User
from apps.audit.models import AuditEvent
from tests.plugin import HQ_EMAIL, PASSWORD, client_for, totp_code
from tests.social_fixtures import oauth_double, oauth_double_process, provider_round_trip  # noqa: F401

DINER = "kim.diner@beta-social.test"


def _beta_consumer(tenant_beta, email: str = DINER) -> User:
    """A consumer registered on beta's host with a password, address confirmed."""
    from apps.consumers.services import consumer_register

    consumer_register(tenant=tenant_beta, email=email, password=PASSWORD, name="Kim Diner",
                      consents={"terms": True, "privacy": True, "marketing": False})
    connection.set_schema_to_public()
    EmailAddress.objects.filter(email=email).update(verified=True)
    return User.objects.get(email=email)


def _logged_in(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def _social(provider: str, uid: str):
    return SocialAccount.objects.filter(provider=provider, uid=uid).select_related("user").first()


def _app_login(slug, provider, token, **body):
    return client_for(slug).post(f"/api/v1/auth/social/{provider}/", {"access_token": token, **body},
                                 content_type="application/json")


def test_login_page_offers_kakao_and_naver(oauth_double, tenant_beta):
    page = client_for("beta").get("/accounts/login/").content.decode()
    assert 'href="/accounts/kakao/login/' in page and 'href="/accounts/naver/login/' in page
    assert "Kakao" in page and "Naver" in page


def test_kakao_consumer_links_after_password_then_app_gets_tokens(oauth_double, tenant_beta):
    """The proof: a consumer of beta logs in with Kakao; their e-mail is an existing
    account's, so nothing is linked until its password is proven; then the app flow gives
    our JWT pair for beta."""
    diner = _beta_consumer(tenant_beta)
    oauth_double.reset(users={"kakao": {"1001": {"email": DINER, "nickname": "Kim"}}}, login_as={"kakao": "1001"})
    client = client_for("beta")

    response = provider_round_trip(client, "kakao")
    assert response.status_code == 302 and response["Location"] == "/accounts/3rdparty/link/"
    assert _logged_in(client) is None and _social("kakao", "1001") is None  # never silently
    assert {"GET /oauth/authorize", "POST /oauth/token", "GET /v2/user/me"} <= set(oauth_double.requests())

    page = client.get("/accounts/3rdparty/link/")
    assert page.status_code == 200 and DINER in page.content.decode()
    wrong = client.post("/accounts/3rdparty/link/", {"password": "not-it"})
    assert wrong.status_code == 200 and "incorrect" in wrong.content.decode()
    assert _logged_in(client) is None and _social("kakao", "1001") is None

    linked = client.post("/accounts/3rdparty/link/", {"password": PASSWORD})
    assert linked.status_code == 302, linked.content[:500]
    assert _social("kakao", "1001").user == diner
    assert _logged_in(client) == diner.pk
    assert AuditEvent.objects.filter(action="auth.social_linked", target_id=str(diner.pk)).exists()

    # the mobile app: the provider's token -> our pair for beta
    pair = _app_login("beta", "kakao", oauth_double.access_token("kakao", "1001"))
    assert pair.status_code == 200, pair.content
    me = client_for("beta").get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {pair.json()['access']}")
    assert me.status_code == 200 and me.json()["user"]["email"] == DINER
    assert "customer" in me.json()["memberships"]

    # and the next web login goes straight in
    again = client_for("beta")
    response = provider_round_trip(again, "kakao")
    assert response.status_code == 302 and "/3rdparty/" not in response["Location"]
    assert _logged_in(again) == diner.pk


def test_app_flow_links_an_existing_account_only_with_its_password(oauth_double, tenant_beta):
    diner = _beta_consumer(tenant_beta)
    oauth_double.reset(users={"naver": {"n-77": {"email": DINER, "nickname": "Kim"}}})
    token = oauth_double.access_token("naver", "n-77")

    asked = _app_login("beta", "naver", token)
    assert asked.status_code == 409 and asked.json()["error"]["code"] == "social_link_password_required"
    wrong = _app_login("beta", "naver", token, password="not-it")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_credentials"
    assert _social("naver", "n-77") is None

    pair = _app_login("beta", "naver", token, password=PASSWORD)
    assert pair.status_code == 200, pair.content
    assert _social("naver", "n-77").user == diner
    assert _app_login("beta", "naver", token).status_code == 200  # linked: the token alone is enough now


def test_a_token_of_one_tenants_user_gives_nothing_on_another(oauth_double, tenant_beta, tenant_alpha):
    diner = _beta_consumer(tenant_beta)
    oauth_double.reset(users={"kakao": {"1001": {"email": DINER}}})
    token = oauth_double.access_token("kakao", "1001")
    assert _app_login("beta", "kakao", token, password=PASSWORD).status_code == 200

    refused = _app_login("alpha", "kakao", token)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_a_member"
    assert not Membership.objects.filter(user=diner, tenant=tenant_alpha).exists()
    # a new person signing in on alpha gets an account, but no membership and no tokens
    oauth_double.control(users={"kakao": {"1002": {"email": "new.person@social.test"}}})
    stranger = _app_login("alpha", "kakao", oauth_double.access_token("kakao", "1002"))
    assert stranger.status_code == 403 and stranger.json()["error"]["code"] == "not_a_member"
    assert not Membership.objects.filter(user__email="new.person@social.test").exists()


def test_app_flow_refuses_bad_tokens_and_unknown_providers(oauth_double, tenant_beta):
    bad = _app_login("beta", "kakao", "forged")
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "social_token_invalid"
    bad = _app_login("beta", "naver", "forged")
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "social_token_invalid"
    unknown = _app_login("beta", "google", "whatever")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "social_provider_unknown"
    empty = client_for("beta").post("/api/v1/auth/social/kakao/", {}, content_type="application/json")
    assert empty.status_code == 400 and "access_token" in empty.json()["error"]["details"]


def test_kakao_without_email_asks_for_one_and_verifies_it(oauth_double, tenant_beta):
    oauth_double.reset(users={"kakao": {"2002": {"nickname": "No Mail"}}}, login_as={"kakao": "2002"})
    client = client_for("beta")
    response = provider_round_trip(client, "kakao")
    assert response.status_code == 302 and response["Location"] == "/accounts/3rdparty/signup/"
    form = client.get("/accounts/3rdparty/signup/")
    assert form.status_code == 200 and 'name="email"' in form.content.decode()

    mail.outbox.clear()
    sent = client.post("/accounts/3rdparty/signup/", {"email": "nomail.kakao@social.test"})
    assert sent.status_code == 302 and "/accounts/confirm-email/" in sent["Location"]
    user = User.objects.get(email="nomail.kakao@social.test")
    assert _social("kakao", "2002").user == user
    assert _logged_in(client) is None  # not usable before the address is confirmed
    assert not EmailAddress.objects.get(user=user).verified
    [message] = [m for m in mail.outbox if "nomail.kakao@social.test" in m.to]
    link = re.search(r"(/accounts/confirm-email/[^\s\"<]+/)", message.body).group(1)
    client.post(link)
    assert EmailAddress.objects.get(user=user).verified

    again = client_for("beta")
    response = provider_round_trip(again, "kakao")
    assert response.status_code == 302 and _logged_in(again) == user.pk


def test_app_flow_without_email_asks_for_one_and_verifies_it(oauth_double, tenant_beta,
                                                             django_capture_on_commit_callbacks):
    oauth_double.reset(users={"kakao": {"3003": {"nickname": "App No Mail"}}})
    token = oauth_double.access_token("kakao", "3003")
    asked = _app_login("beta", "kakao", token)
    assert asked.status_code == 400 and asked.json()["error"]["code"] == "social_email_required"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pending = _app_login("beta", "kakao", token, email="app.nomail@social.test")
    assert pending.status_code == 403 and pending.json()["error"]["code"] == "social_email_unverified"
    [message] = [m for m in mail.outbox if "app.nomail@social.test" in m.to]
    assert _app_login("beta", "kakao", token).json()["error"]["code"] == "social_email_unverified"

    link = re.search(r"(/accounts/confirm-email/[^\s\"<]+/)", message.body).group(1)
    client_for("beta").post(link)
    # confirmed, but not a member of beta until they register there
    assert _app_login("beta", "kakao", token).json()["error"]["code"] == "not_a_member"


def test_naver_login_creates_an_account_with_the_verified_email(oauth_double, tenant_beta):
    oauth_double.reset(users={"naver": {"nv-5": {"email": "naver.person@social.test", "nickname": "Park"}}},
                       login_as={"naver": "nv-5"})
    client = client_for("beta")
    response = provider_round_trip(client, "naver")
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get(email="naver.person@social.test")
    assert _social("naver", "nv-5").user == user and user.full_name == "Park"
    assert _logged_in(client) == user.pk
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()


def test_cancelled_login_is_refused_politely(oauth_double, tenant_beta):
    oauth_double.reset(users={"kakao": {"1001": {"email": DINER}}})  # nobody logs in: "cancel"
    client = client_for("beta")
    response = provider_round_trip(client, "kakao")
    assert response.status_code in (200, 302) and _logged_in(client) is None


@pytest.mark.parametrize("language", ["en", "ko"])
def test_link_page_in_both_languages(oauth_double, tenant_beta, language):
    _beta_consumer(tenant_beta)
    oauth_double.reset(users={"kakao": {"1001": {"email": DINER}}}, login_as={"kakao": "1001"})
    client = client_for("beta", HTTP_ACCEPT_LANGUAGE=language)
    provider_round_trip(client, "kakao")
    page = client.get("/accounts/3rdparty/link/").content.decode()
    title = {"en": "Link your account", "ko": "계정 연결"}[language]
    assert title in page and DINER in page


def test_hq_kakao_login_still_needs_totp(oauth_double, hq_user):
    """HQ links Kakao on the public host (password), then logs in with Kakao: nothing opens
    before the authenticator code (allauth's two-step stage), and the portal does not ask
    for a second one."""
    EmailAddress.objects.update_or_create(user=hq_user, email=HQ_EMAIL, defaults={"verified": True, "primary": True})
    oauth_double.reset(users={"kakao": {"9001": {"email": HQ_EMAIL}}}, login_as={"kakao": "9001"})
    client = client_for(None)
    response = provider_round_trip(client, "kakao")
    assert response["Location"] == "/accounts/3rdparty/link/"
    linked = client.post("/accounts/3rdparty/link/", {"password": PASSWORD})
    assert _social("kakao", "9001").user == hq_user
    assert linked["Location"] == "/accounts/2fa/authenticate/" and _logged_in(client) is None

    client = client_for(None)
    response = provider_round_trip(client, "kakao")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert _logged_in(client) is None
    portal = client.get("/admin/")
    assert portal.status_code == 302 and portal["Location"].startswith("/admin/login/")

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and _logged_in(client) is None
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert _logged_in(client) == hq_user.pk
    # one code is enough: the portal's own step (apps.accounts.mfa) counts allauth's as passed
    portal = client.get("/admin/")
    assert portal.status_code == 200, portal.get("Location")
    assert AuditEvent.objects.filter(action="auth.mfa_succeeded", target_id=str(hq_user.pk),
                                     metadata__via="allauth").exists()
    passed = client.post("/admin/mfa/", {"code": totp_code(), "next": "/admin/"})
    assert passed.status_code == 302 and client.get("/admin/").status_code == 200
