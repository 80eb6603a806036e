"""CORS (django-cors-headers + apps.workspace.cors): a workspace's API answers cross-origin
requests only from its allow-list (the owner's origins and its verified custom domains);
other origins, other workspaces, the admin and the public host get no CORS headers."""

import pytest

from apps.tenants.domains import custom_domain_add, domain_verify
from tests.dns_double import DnsDouble
from tests.plugin import client_for
from tests.workspace import api

APP = "https://app.alpha-shop.test"
ACAO = "Access-Control-Allow-Origin"


@pytest.fixture
def owner(db, tenant_alpha, commit):
    from apps.workspace.services import branding_forget

    client = api("alpha", "owner@alpha.test")
    with commit():
        saved = client.patch("/api/v1/settings/", {"allowed_origins": f"{APP}/\n\nhttp://localhost:3000"},
                             content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["allowed_origins"] == f"{APP}\nhttp://localhost:3000"
    yield client
    branding_forget(tenant=tenant_alpha)  # the cached allow-list outlives the rolled-back test


def test_an_allowed_origin_gets_the_headers_on_the_api(owner):
    response = owner.get("/api/v1/settings/", HTTP_ORIGIN=APP)
    assert response.status_code == 200 and response[ACAO] == APP
    assert "X-Request-ID".lower() in response["Access-Control-Expose-Headers"].lower()
    assert owner.get("/api/v1/me/", HTTP_ORIGIN="http://localhost:3000")[ACAO] == "http://localhost:3000"
    preflight = client_for("alpha").options("/api/v1/orders/", HTTP_ORIGIN=APP,
                                            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                                            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, x-tenant")
    assert preflight.status_code == 200 and preflight[ACAO] == APP
    assert "x-tenant" in preflight["Access-Control-Allow-Headers"]


def test_other_origins_and_other_paths_get_none(owner):
    assert ACAO not in owner.get("/api/v1/settings/", HTTP_ORIGIN="https://evil.example")
    assert ACAO not in owner.get("/api/v1/settings/", HTTP_ORIGIN=APP + ".evil.example")
    assert ACAO not in owner.get("/api/v1/settings/")  # no Origin, no CORS
    preflight = client_for("alpha").options("/api/v1/settings/", HTTP_ORIGIN="https://evil.example",
                                            HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH")
    assert ACAO not in preflight
    for path in ("/admin/", "/admin/login/", "/accounts/login/", "/", "/branding/logo/"):
        assert ACAO not in client_for("alpha").get(path, HTTP_ORIGIN=APP), path
    # Another workspace, the public host: alpha's origins mean nothing there.
    assert ACAO not in client_for("beta").get("/api/v1/settings/", HTTP_ORIGIN=APP)
    assert ACAO not in client_for(None).get("/api/v1/platform/tenants/status/1/", HTTP_ORIGIN=APP)


def test_a_verified_custom_domain_is_an_allowed_origin(owner, tenant_alpha, commit, settings):
    shop = "shop.alpha-example.org"
    with DnsDouble() as dns_server:
        settings.DNS_RESOLVERS = [dns_server.address]
        with commit():
            domain = custom_domain_add(tenant=tenant_alpha, hostname=shop)
        assert ACAO not in owner.get("/api/v1/me/", HTTP_ORIGIN=f"https://{shop}")  # pending
        dns_server.set_txt(f"_platform-verify.{shop}", domain.verification_token)
        with commit():
            domain_verify(domain_id=domain.pk)
    assert owner.get("/api/v1/me/", HTTP_ORIGIN=f"https://{shop}")[ACAO] == f"https://{shop}"
    assert ACAO not in owner.get("/api/v1/me/", HTTP_ORIGIN=f"http://{shop}")  # https only


@pytest.mark.parametrize("value", ["https://app.example.com/path", "*", "ftp://files.example.com",
                                   "https://*.example.com", "app.example.com"])
def test_what_is_not_an_origin_is_refused(db, value):
    client = api("alpha", "owner@alpha.test")
    response = client.patch("/api/v1/settings/", {"allowed_origins": value}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "allowed_origins" in response.json()["error"]["details"]
