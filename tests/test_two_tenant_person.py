"""One person in two tenants (tests.plugin.two_tenant_person: staff with the owner role
in alpha and in beta, and a customer of beta). What they hold for alpha — an admin
session, a token pair, an API key — gets nothing on beta.

The membership check passes for this person on beta, so each refusal here rests on the
binding alone: sessions to their host (host-only cookie, a session table per schema),
tokens to their `tenant` claim, API keys to their tenant's schema. Each test first shows
the same credential working on alpha and the person's own beta credential working on
beta, so a refusal cannot come from anything else.
"""

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from apps.branches.models import Branch
from apps.crm.models import Customer
from tests.plugin import PASSWORD, TWO_TENANT_EMAIL, client_for, obtain_tokens
from tests.workspace import make_customer

JSON = "application/json"
BETA_SECRETS = ("Beta Secret Customer", "secret@beta-only.test")


@pytest.fixture
def person(two_tenant_person):
    make_customer("alpha", "Alpha Secret Customer", email="secret@alpha-only.test")
    make_customer("beta", BETA_SECRETS[0], email=BETA_SECRETS[1])
    return two_tenant_person


def _nothing_leaked(response, where):
    body = response.content.decode()
    for secret in BETA_SECRETS:
        assert secret not in body, f"{where} leaked {secret}"


def _bearer(slug, access):
    return client_for(slug, HTTP_AUTHORIZATION=f"Bearer {access}")


# What beta's API offers a bearer token or an API key (reads and writes).
BETA_API = [
    ("get", "/api/v1/me/", None),
    ("get", "/api/v1/customers/", None),
    ("get", "/api/v1/customers/export/", None),
    ("get", "/api/v1/staff/", None),
    ("get", "/api/v1/api-keys/", None),
    ("get", "/api/v1/billing/invoices/", None),
    ("get", "/api/v1/auth/check-permission/?perm=customer:view", None),
    ("post", "/api/v1/branches/", {"name": "Planted by alpha's credential"}),
    ("post", "/api/v1/auth/switch-role/", {"role": "owner"}),
]


def test_alpha_tokens_get_nothing_on_beta(person):
    alpha = obtain_tokens("alpha", TWO_TENANT_EMAIL)
    on_alpha = _bearer("alpha", alpha["access"])
    assert on_alpha.get("/api/v1/me/").status_code == 200
    assert "Alpha Secret Customer" in on_alpha.get("/api/v1/customers/").content.decode()
    own_beta = obtain_tokens("beta", TWO_TENANT_EMAIL)
    assert BETA_SECRETS[0] in _bearer("beta", own_beta["access"]).get("/api/v1/customers/").content.decode()

    on_beta = _bearer("beta", alpha["access"])
    for method, path, body in BETA_API:
        response = getattr(on_beta, method)(path, *([body] if body else []), content_type=JSON)
        where = f"alpha's token: {method.upper()} beta {path}"
        assert response.status_code == 401, f"{where}: {response.status_code}"
        assert response.json()["error"]["code"] == "token_tenant_mismatch", where
        _nothing_leaked(response, where)

    # The token endpoints check the claim themselves (they take no Authorization header).
    anonymous = client_for("beta")
    for path, body in [("/api/v1/auth/token/refresh/", {"refresh": alpha["refresh"]}),
                       ("/api/v1/auth/token/verify/", {"token": alpha["access"]}),
                       ("/api/v1/auth/token/verify/", {"token": alpha["refresh"]}),
                       ("/api/v1/auth/logout/", {"refresh": alpha["refresh"]})]:
        response = anonymous.post(path, body, content_type=JSON)
        where = f"alpha's token: POST beta {path}"
        assert response.status_code == 401, f"{where}: {response.status_code}"
        assert response.json()["error"]["code"] == "token_tenant_mismatch", where
        assert "access" not in response.json(), where
    # Nothing was planted, and beta's logout did not revoke alpha's refresh token.
    with schema_context("beta"):
        assert not Branch.objects.filter(name__startswith="Planted").exists()
    rotated = client_for("alpha").post("/api/v1/auth/token/refresh/", {"refresh": alpha["refresh"]},
                                       content_type=JSON)
    assert rotated.status_code == 200, rotated.content


def _admin_login(slug):
    client = client_for(slug)
    response = client.post("/admin/login/", {"username": TWO_TENANT_EMAIL, "password": PASSWORD})
    assert response.status_code == 302, f"the person should log into {slug}'s admin"
    return client, response


BETA_ADMIN = ["/admin/", "/admin/crm/customer/", "/admin/staff/staffprofile/", "/admin/apikeys/apikey/add/",
              "/admin/rbac/role/", "/admin/billing/addonrequest/"]


def test_alpha_session_gets_nothing_on_beta(person):
    alpha, login = _admin_login("alpha")
    # Host-only cookie: without a Domain attribute a browser never sends it to beta's host.
    assert login.cookies[settings.SESSION_COOKIE_NAME]["domain"] == ""
    page = alpha.get("/admin/crm/customer/")
    assert page.status_code == 200 and "Alpha Secret Customer" in page.content.decode()
    own_beta, _login = _admin_login("beta")
    assert BETA_SECRETS[0] in own_beta.get("/admin/crm/customer/").content.decode()

    # The cookie copied onto beta's host (what a browser never does, an attacker can).
    stolen = client_for("beta")
    stolen.cookies = alpha.cookies
    for path in BETA_ADMIN:
        response = stolen.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], (
            f"alpha's session: GET beta {path}: {response.status_code}")
    planted = stolen.post("/admin/crm/customer/add/", {"name": "Planted by alpha's session"})
    assert planted.status_code == 302 and "/admin/login/" in planted["Location"]
    # The API takes no sessions at all.
    for method, path, body in BETA_API:
        response = getattr(stolen, method)(path, *([body] if body else []), content_type=JSON)
        assert response.status_code in (401, 403), f"alpha's session: {method.upper()} beta {path}"
        _nothing_leaked(response, f"alpha's session: {path}")
    with schema_context("beta"):
        assert not Customer.objects.filter(name__startswith="Planted").exists()


def test_alpha_api_key_gets_nothing_on_beta(person):
    token = obtain_tokens("alpha", TWO_TENANT_EMAIL)["access"]
    created = _bearer("alpha", token).post(
        "/api/v1/api-keys/", {"name": "Sync", "permissions": ["customer:view", "customer:add", "staff:view",
                                                               "branch:add"]}, content_type=JSON)
    assert created.status_code == 201, created.content
    key = created.json()["key"]
    on_alpha = client_for("alpha", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert "Alpha Secret Customer" in on_alpha.get("/api/v1/customers/").content.decode()

    on_beta = client_for("beta", HTTP_AUTHORIZATION=f"Api-Key {key}")
    for method, path, body in BETA_API:
        response = getattr(on_beta, method)(path, *([body] if body else []), content_type=JSON)
        where = f"alpha's API key: {method.upper()} beta {path}"
        assert response.status_code == 401, f"{where}: {response.status_code}"
        assert response.json()["error"]["code"] == "api_key_invalid", where
        _nothing_leaked(response, where)
