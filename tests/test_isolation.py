"""Tenant isolation: every URL on both hosts, against every kind of outsider.

The URL list is generated from the URLconfs, and `test_every_url_is_covered` fails
when a new URL has no isolation case here: add one when you add a URL.
"""

from __future__ import annotations

import importlib
import importlib.util
import re

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from tests.plugin import HQ_EMAIL, PASSWORD, TWO_TENANT_EMAIL, client_for, hq_client, obtain_tokens

# Open by design: no tenant data behind them (or a login form).
OPEN_PREFIXES = ("health/", "accounts/", "i18n/", "api/schema/", "api/docs/", "admin/login/", "admin/logout/")
# The host's landing page (the workspace name is public), the icon, and /metrics (counts by
# view and by tenant slug, no tenant's data; for operators only: readable from loopback, here,
# or with its token, never with a tenant's credentials: tests/test_metrics.py).
# The JWKS: public keys only, the same on every host (apps/accounts/tests/test_keys.py).
OPEN_EXACT = {"", "favicon.ico", "metrics", ".well-known/jwks.json"}



def _collect(name: str) -> dict:
    """Cases declared by each app in `apps/<app>/isolation.py` (TENANT_API, PUBLIC_API)."""
    cases = {}
    for config in django_apps.get_app_configs():
        if config.name.startswith("apps.") and importlib.util.find_spec(f"{config.name}.isolation"):
            cases.update(getattr(importlib.import_module(f"{config.name}.isolation"), name, {}))
    return cases


TENANT_API = _collect("TENANT_API")
PUBLIC_API = _collect("PUBLIC_API")


def _sample(pattern) -> str:
    """A concrete path for a URL pattern: converters and groups get sample values."""
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "regex") and text.startswith("^"):
        text = text.strip("^$")
        text = re.sub(r"\(\?P<\w+>([\w-]+)(\|[^)]*)?\)", r"\1", text)  # (?P<app_label>a|b) -> a
        text = re.sub(r"\(\?P<\w+>[^)]*\)", "1", text)
        text = text.replace("\\", "")
    return re.sub(r"<(?:\w+:)?\w+>", "1", text)


def routes(urlconf: str) -> list[str]:
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + _sample(pattern))
            elif isinstance(pattern, URLPattern):
                found.append(prefix + _sample(pattern))

    walk(get_resolver(urlconf).url_patterns, "")
    return sorted(set(found))


def is_open(route: str) -> bool:
    return route in OPEN_EXACT or route.startswith(OPEN_PREFIXES)


TENANT_ROUTES = [r for r in routes("platform_.urls_tenant") if not is_open(r)]
PUBLIC_ROUTES = [r for r in routes("platform_.urls_public") if not is_open(r)]

# What an outsider holds (tokens, sessions, a key, a consumer account) takes ~15 requests and
# rows to make: the routes of one app share one set (a test per group), and each route still
# gets its own fresh client, rate-limit budget and failed-login count (`fresh_limits`). A
# route that could change what an outsider holds if it ever let them in (logging out,
# refreshing, sessions, passwords, keys, users) is a group of its own, with fresh outsiders.
HOLDINGS = ("logout", "auth/", "password", "session", "switch-role", "apikey", "api-key", "accounts/user")


def route_groups(routes_: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for route in routes_:
        parts = route.split("/")
        key = route if any(word in route for word in HOLDINGS) else "/".join(parts[:3] if parts[0] == "api" else
                                                                                  parts[:2])
        groups.setdefault(key, []).append(route)
    return groups


TENANT_GROUPS = route_groups(TENANT_ROUTES)
PUBLIC_GROUPS = route_groups(PUBLIC_ROUTES)


def fresh_limits() -> None:
    """What each test starts without (tests/plugin.py's autouse fixtures): rate-limit windows
    and failed logins per address, so that one route's refusals do not throttle the next."""
    from tests.plugin import forget

    forget("ratelimit:*", "login:ip-failures:*", "allauth:*")


def each_route(routes_: list[str], check) -> None:
    """`check(route)` for every route, then one failure listing every route that failed."""
    failures = []
    for route in routes_:
        fresh_limits()
        try:
            check(route)
        except AssertionError as error:
            failures.append(str(error).splitlines()[0])
    assert not failures, "\n".join(failures)


def test_every_url_is_covered():
    uncovered = [r for r in TENANT_ROUTES if not (r.startswith("admin/") or r in TENANT_API)]
    uncovered += [r for r in PUBLIC_ROUTES if not (r.startswith("admin/") or r in PUBLIC_API)]
    assert not uncovered, f"add these URLs to the isolation suite: {uncovered}"
    assert len(TENANT_ROUTES) > 10 and len(PUBLIC_ROUTES) > 20


# --- Outsiders ------------------------------------------------------------------------------


def _admin_session(slug, email):
    if slug is None and email == HQ_EMAIL:  # HQ staff pass TOTP too
        return hq_client().cookies
    client = client_for(slug)
    response = client.post("/admin/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302, f"{email} should log into {slug or 'ops'} admin"
    return client.cookies


def outsiders_for_alpha():
    """Everyone who must get nothing from alpha, including what a member of alpha holds
    for beta (`two_tenant_person`, staff in both): their membership passes on alpha, so
    only the binding of a session or token to its own tenant keeps them out."""
    beta = obtain_tokens("beta", "owner@beta.test")
    both = obtain_tokens("beta", TWO_TENANT_EMAIL)
    diner = _beta_consumer_tokens()
    return {
        "anonymous": {},
        "beta_owner_token": {"token": beta["access"], "refresh": beta["refresh"]},
        "beta_owner_session": {"cookies": _admin_session("beta", "owner@beta.test"), "refresh": beta["refresh"]},
        "hq_session": {"cookies": _admin_session(None, HQ_EMAIL)},
        "beta_owner_credentials": {"credentials": {"email": "owner@beta.test", "password": PASSWORD}},
        "beta_api_key": {"api_key": _beta_api_key()},
        "two_tenant_beta_token": {"token": both["access"], "refresh": both["refresh"]},
        "two_tenant_beta_session": {"cookies": _admin_session("beta", TWO_TENANT_EMAIL), "refresh": both["refresh"]},
        # a consumer of beta (registered on beta's host): nothing of alpha's, not even alpha's shop
        "beta_consumer_token": {"token": diner["access"], "refresh": diner["refresh"]},
        "beta_consumer_credentials": {"credentials": {"email": BETA_CONSUMER, "password": PASSWORD}},
    }


BETA_CONSUMER = "diner@beta-shop.test"


def _beta_consumer_tokens() -> dict:
    from apps.accounts.models import Membership
    from apps.consumers.services import consumer_register
    from apps.tenants.models import Tenant

    beta = Tenant.objects.get(slug="beta")
    if not Membership.objects.filter(user__email=BETA_CONSUMER, tenant=beta).exists():
        consumer_register(tenant=beta, email=BETA_CONSUMER, password=PASSWORD, name="Beta Diner",
                          consents={"terms": True, "privacy": True, "marketing": False})
        connection.set_schema_to_public()
    return obtain_tokens("beta", BETA_CONSUMER)


def _beta_api_key() -> str:
    """A key of beta holding every workspace permission (apps.apikeys)."""
    from django_tenants.utils import schema_context

    from apps.apikeys.services import api_key_create
    from apps.authz import catalogue

    with schema_context("beta"):
        keys = catalogue.all_keys()
        _key, secret = api_key_create(name="beta integration", perms=keys, actor=None,
                                      actor_perms={catalogue.django_perm(k) for k in keys})
    return secret


def outsiders_for_public():
    alpha = obtain_tokens("alpha", "owner@alpha.test")
    return {
        "anonymous": {},
        "alpha_owner_token": {"token": alpha["access"]},
        "alpha_owner_session": {"cookies": _admin_session("alpha", "owner@alpha.test")},
    }


def request_as(slug, who: dict, method: str, path: str, body_kind=None):
    client = client_for(slug, REMOTE_ADDR=who.get("ip", "127.0.0.1"))
    if "cookies" in who:
        client.cookies = who["cookies"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {who['token']}"} if "token" in who else {}
    if "api_key" in who:
        headers = {"HTTP_AUTHORIZATION": f"Api-Key {who['api_key']}"}
    body = {
        "credentials": who.get("credentials", {"email": "owner@beta.test", "password": "guess"}),
        "refresh": {"refresh": who.get("refresh", "not-a-token")},
        "token": {"token": who.get("token", "not-a-token")},
    }.get(body_kind) if isinstance(body_kind, str) or body_kind is None else body_kind
    if method == "get":
        return client.get(path, HTTP_ACCEPT="application/json", **headers)
    return getattr(client, method)(path, body or {}, content_type="application/json", **headers)


def assert_nothing(response, path, leaks):
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"], f"{path} redirected elsewhere: {response['Location']}"
        return
    if response.status_code == 200 and "graphql/" in path:  # GraphQL refuses inside a 200: errors, no data
        body = response.json()
        assert body.get("errors") and body.get("data") is None, f"{path}: {str(body)[:300]}"
        assert {error["extensions"]["code"] for error in body["errors"]} <= {
            "not_authenticated", "permission_denied", "not_a_consumer"}, path
        return
    assert response.status_code in (400, 401, 403, 404, 405), f"{path}: {response.status_code}"
    body = response.content.decode()
    for leak in leaks:
        assert leak not in body, f"{path} leaked {leak}"


@pytest.mark.parametrize("group", TENANT_GROUPS)
def test_tenant_urls_give_outsiders_nothing(two_tenant_person, group):
    outsiders = outsiders_for_alpha()

    def check(route):
        for number, (name, who) in enumerate(outsiders.items(), start=1):
            method, body_kind = TENANT_API.get(route, ("get", None))
            # Each outsider is its own client: failed logins are limited per address, not tested here.
            response = request_as("alpha", {**who, "ip": f"192.0.2.{number}"}, method, "/" + route, body_kind)
            assert_nothing(response, f"{name} {method.upper()} alpha /{route}", ["owner@alpha.test"])

    each_route(TENANT_GROUPS[group], check)


@pytest.mark.parametrize("group", PUBLIC_GROUPS)
def test_public_urls_give_tenant_users_nothing(db, group):
    outsiders = outsiders_for_public()

    def check(route):
        for name, who in outsiders.items():
            method, body_kind = PUBLIC_API.get(route, ("get", None))
            response = request_as(None, who, method, "/" + route, body_kind)
            assert_nothing(response, f"{name} {method.upper()} public /{route}",
                           ["owner@beta.test", "Alpha Academy"])

    each_route(PUBLIC_GROUPS[group], check)


@pytest.mark.parametrize("email", ["owner@alpha.test", TWO_TENANT_EMAIL])
def test_alpha_members_still_reach_alpha(two_tenant_person, email):
    """The control case: the same requests by the right person, with what they hold for
    alpha, succeed (the two-tenant person too)."""
    tokens = obtain_tokens("alpha", email)
    assert request_as("alpha", {"token": tokens["access"]}, "get", "/api/v1/me/").status_code == 200
    cookies = _admin_session("alpha", email)
    assert request_as("alpha", {"cookies": cookies}, "get", "/admin/rbac/role/").status_code == 200
