"""Tenant isolation on the shared API host `api.<BASE_DOMAIN>` (apps.tenants.api_host):
every workspace API URL, asked for alpha with `X-Tenant: alpha` by every outsider of
tests/test_isolation.py, is 401 in the error shape; without the header too; browser paths
are not served there (404) whoever asks."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests import test_isolation as suite
from tests.plugin import obtain_tokens
from tests.workspace import api_key_client

API_ROUTES = [route for route in suite.TENANT_ROUTES if route.startswith("api/")]
API_GROUPS = suite.route_groups(API_ROUTES)
API_HOST = f"api.{settings.BASE_DOMAIN}"


def on_api_host(who: dict, method: str, path: str, body_kind=None, **headers):
    client = Client(HTTP_HOST=API_HOST, REMOTE_ADDR=who.get("ip", "127.0.0.1"))
    if "cookies" in who:
        client.cookies = who["cookies"]
    if "token" in who:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {who['token']}"
    if "api_key" in who:
        headers["HTTP_AUTHORIZATION"] = f"Api-Key {who['api_key']}"
    body = {"credentials": who.get("credentials", {"email": "owner@beta.test", "password": "guess"}),
            "refresh": {"refresh": who.get("refresh", "not-a-token")},
            "token": {"token": who.get("token", "not-a-token")}}.get(body_kind) \
        if isinstance(body_kind, str) or body_kind is None else body_kind
    if method == "get":
        return client.get(path, HTTP_ACCEPT="application/json", **headers)
    return getattr(client, method)(path, body or {}, content_type="application/json", HTTP_ACCEPT="application/json",
                                   **headers)


def assert_refused(response, what: str, code: str = "tenant_header_rejected"):
    assert response.status_code == 401, f"{what}: {response.status_code}"
    assert response.json()["error"]["code"] == code, f"{what}: {response.content[:200]}"
    assert b"owner@alpha.test" not in response.content


def test_the_api_host_has_routes_to_check():
    assert len(API_ROUTES) > 20


@pytest.mark.parametrize("group", API_GROUPS)
def test_every_outsider_of_alpha_gets_401_with_x_tenant_alpha(two_tenant_person, group):
    outsiders = suite.outsiders_for_alpha()

    def check(route):
        method, body_kind = suite.TENANT_API.get(route, ("get", None))
        for number, (name, who) in enumerate(outsiders.items(), start=1):
            response = on_api_host({**who, "ip": f"192.0.2.{number}"}, method, "/" + route, body_kind,
                                   HTTP_X_TENANT="alpha")
            assert_refused(response, f"{name} {method.upper()} api host /{route}")

    suite.each_route(API_GROUPS[group], check)


def test_omissions_and_mismatches_are_401(two_tenant_person):
    alpha = obtain_tokens("alpha", "owner@alpha.test")
    beta = obtain_tokens("beta", "owner@beta.test")
    token = {"token": alpha["access"]}
    # The control: alpha's token with X-Tenant alpha reaches alpha.
    served = on_api_host(token, "get", "/api/v1/me/", HTTP_X_TENANT="alpha")
    assert served.status_code == 200, served.content
    assert on_api_host(token, "get", "/api/v1/me/", HTTP_X_TENANT=" Alpha ").status_code == 200
    # No header, an empty one: 401 tenant_header_required.
    assert_refused(on_api_host(token, "get", "/api/v1/me/"), "no header", "tenant_header_required")
    assert_refused(on_api_host(token, "get", "/api/v1/me/", HTTP_X_TENANT=""), "empty", "tenant_header_required")
    # A token of alpha with X-Tenant beta gets nothing of beta (nor of alpha).
    for slug in ("beta", "nobody", "public", "../alpha", "alpha.localhost"):
        response = on_api_host(token, "get", "/api/v1/me/", HTTP_X_TENANT=slug)
        assert_refused(response, f"alpha token, X-Tenant {slug}")
        assert b"owner@beta.test" not in response.content
    assert_refused(on_api_host({"token": beta["access"]}, "get", "/api/v1/settings/", HTTP_X_TENANT="alpha"),
                   "beta token for alpha")
    # The refresh token is no access token; nor is a token with its last characters changed.
    assert_refused(on_api_host({"token": alpha["refresh"]}, "get", "/api/v1/me/", HTTP_X_TENANT="alpha"), "refresh")
    assert_refused(on_api_host({"token": alpha["access"][:-4] + "AAAA"}, "get", "/api/v1/me/",
                               HTTP_X_TENANT="alpha"), "tampered")


def test_api_keys_are_bound_to_their_workspace(db):
    _client, _key = api_key_client("alpha", ["settings:view"])
    secret = _client.defaults["HTTP_AUTHORIZATION"].split()[1]
    who = {"api_key": secret}
    assert on_api_host(who, "get", "/api/v1/settings/", HTTP_X_TENANT="alpha").status_code == 200
    assert_refused(on_api_host(who, "get", "/api/v1/settings/", HTTP_X_TENANT="beta"), "alpha key for beta")


@pytest.mark.parametrize("path", ["/", "/admin/", "/admin/login/", "/accounts/login/", "/accounts/signup/",
                                  "/branding/logo/", "/graphql/", "/health-not/"])
def test_browser_paths_are_not_served_on_the_api_host(db, path):
    alpha = obtain_tokens("alpha", "owner@alpha.test")
    for headers in ({}, {"HTTP_X_TENANT": "alpha"}):
        response = on_api_host({"token": alpha["access"]}, "get", path, **headers)
        assert response.status_code == 404, (path, headers, response.status_code)
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("kind", ["token", "api_key"])
def test_the_credentials_are_checked_once_per_request(two_tenant_person, kind, monkeypatch):
    """The API host checks the token or key before routing; the view then takes that
    result instead of checking it again (two Redis round trips, a signature)."""
    from apps.accounts.authentication import TenantJWTAuthentication
    from apps.apikeys.authentication import ApiKeyAuthentication

    if kind == "token":
        who, checker, path = {"token": obtain_tokens("alpha", "owner@alpha.test")["access"]}, \
            TenantJWTAuthentication, "/api/v1/me/"
    else:
        client, _key = api_key_client("alpha", ["customer:view"])
        who = {"api_key": client.defaults["HTTP_AUTHORIZATION"].split()[1]}
        checker, path = ApiKeyAuthentication, "/api/v1/customers/"
    calls = []
    original = checker.authenticate_workspace

    def counted(self, request):
        result = original(self, request)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(checker, "authenticate_workspace", counted)
    response = on_api_host(who, "get", path, HTTP_X_TENANT="alpha")
    assert response.status_code == 200, response.content
    assert calls == [True]
    assert client_on_workspace_host(who, path).status_code == 200 and calls == [True, True]  # once there too


def client_on_workspace_host(who: dict, path: str):
    header = f"Bearer {who['token']}" if "token" in who else f"Api-Key {who['api_key']}"
    return Client(HTTP_HOST=f"alpha.{settings.BASE_DOMAIN}").get(path, HTTP_AUTHORIZATION=header)
