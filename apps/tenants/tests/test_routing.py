import logging

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from apps.tenants.models import Tenant
from tests.plugin import client_for, obtain_tokens

JSON = {"HTTP_ACCEPT": "application/json"}


def test_public_and_tenant_hosts_route_to_their_urlconfs(public_client, alpha_client):
    assert "Ops portal" in public_client.get("/").content.decode()
    response = alpha_client.get("/")
    assert response.status_code == 200
    assert "Alpha Academy" in response.content.decode()


def test_unknown_host_is_404_html_for_browsers(db):
    response = Client(HTTP_HOST="nobody.localhost").get("/", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    assert "no workspace at this address" in response.content.decode()


def test_unknown_host_is_404_json_for_api_clients(db):
    response = Client(HTTP_HOST="nobody.localhost").get("/whatever", **JSON)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "tenant_not_found"


def test_disallowed_host_gets_a_clear_400(db):
    response = Client(HTTP_HOST="evil.example.org").get("/", **JSON)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_host"


@pytest.mark.parametrize("status,code,expected", [
    (Tenant.Status.SUSPENDED, "tenant_suspended", 403),
    (Tenant.Status.DELETED, "tenant_not_found", 404),
    (Tenant.Status.REQUESTED, "tenant_pending_approval", 403),
    (Tenant.Status.APPROVED, "tenant_pending_approval", 403),
    (Tenant.Status.PROVISIONING, "tenant_not_ready", 503),
    (Tenant.Status.FAILED, "tenant_not_ready", 503),
])
def test_closed_tenants_are_refused_with_a_clear_error(tenant_alpha, alpha_client, status, code, expected):
    assert alpha_client.get("/api/v1/me/").status_code == 401  # open: routes to the API
    tenant_alpha.status = status
    tenant_alpha.save()  # must drop the cached routing entry at once
    response = alpha_client.get("/api/v1/me/", **JSON)
    assert response.status_code == expected
    assert response.json()["error"]["code"] == code
    html = alpha_client.get("/admin/", HTTP_ACCEPT="text/html")
    assert html.status_code == expected
    assert "text/html" in html["Content-Type"]


@pytest.mark.parametrize("status", [Tenant.Status.REQUESTED, Tenant.Status.APPROVED])
def test_waiting_for_approval_has_its_own_message_not_being_set_up(tenant_alpha, alpha_client, status):
    Tenant.objects.filter(pk=tenant_alpha.pk).update(status=status)
    cache.delete_pattern("tenants:*")
    body = alpha_client.get("/", HTTP_ACCEPT="text/html").content.decode()
    assert "This workspace is waiting for approval" in body and "tenant_pending_approval" in body
    assert "being set up" not in body
    error = alpha_client.get("/api/v1/me/", **JSON).json()["error"]
    assert error["message"].startswith("This workspace is waiting for approval")
    korean = alpha_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="ko", **JSON).json()["error"]["message"]
    assert korean != error["message"] and "승인" in korean


def test_provisioning_says_when_to_come_back(tenant_alpha, alpha_client):
    Tenant.objects.filter(pk=tenant_alpha.pk).update(status=Tenant.Status.PROVISIONING)
    cache.delete_pattern("tenants:*")
    response = alpha_client.get("/api/v1/me/", **JSON)
    assert response.status_code == 503 and response["Retry-After"] == "30"


@pytest.mark.parametrize("status,host,level", [
    (Tenant.Status.SUSPENDED, "alpha.localhost", logging.INFO),
    (Tenant.Status.REQUESTED, "alpha.localhost", logging.INFO),
    (Tenant.Status.PROVISIONING, "alpha.localhost", logging.INFO),
    (Tenant.Status.FAILED, "alpha.localhost", logging.WARNING),
    (Tenant.Status.ACTIVE, "nobody.localhost", logging.INFO),
])
def test_expected_refusals_are_logged_below_error(tenant_alpha, caplog, status, host, level):
    Tenant.objects.filter(pk=tenant_alpha.pk).update(status=status)
    cache.delete_pattern("tenants:*")
    with caplog.at_level(logging.DEBUG):
        response = Client(HTTP_HOST=host).get("/api/v1/me/", **JSON)
    assert response.status_code in (403, 404, 503)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
    refusals = [r for r in caplog.records if r.name == "apps.tenants.middleware"]
    assert len(refusals) == 1 and refusals[0].levelno == level
    assert refusals[0].code == response.json()["error"]["code"]


def test_suspended_message_is_clear(tenant_alpha, alpha_client):
    tenant_alpha.status = Tenant.Status.SUSPENDED
    tenant_alpha.save()
    body = alpha_client.get("/", HTTP_ACCEPT="text/html").content.decode()
    assert "suspended" in body


def test_health_answers_on_unknown_and_suspended_hosts(tenant_alpha):
    assert Client(HTTP_HOST="nobody.localhost").get("/health/").status_code == 200
    tenant_alpha.status = Tenant.Status.SUSPENDED
    tenant_alpha.save()
    assert client_for("alpha").get("/health/").status_code == 200


def test_steady_state_routing_costs_no_query(alpha_client, django_assert_num_queries):
    access = obtain_tokens("alpha", "owner@alpha.test")["access"]
    assert AccessToken(access)["type"] == "access"
    verify = {"path": "/api/v1/auth/token/verify/", "data": {"token": access}, "content_type": "application/json"}
    assert alpha_client.post(**verify).status_code == 200  # warms the host cache
    with django_assert_num_queries(0):
        assert alpha_client.post(**verify).status_code == 200


def test_tenant_api_request_query_count(alpha_client, django_assert_num_queries):
    """GET /api/v1/me/ with a JWT in the steady state: routing, the token's member and
    their permissions all come from the versioned cache (apps.core.cache), no query."""
    access = obtain_tokens("alpha", "owner@alpha.test")["access"]
    alpha_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")
    with django_assert_num_queries(0):
        response = alpha_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert response.status_code == 200


def test_adding_a_domain_routes_it_at_once(tenant_alpha):
    other = Client(HTTP_HOST="alpha-extra.localhost")
    assert other.get("/", **JSON).status_code == 404  # cached as missing
    tenant_alpha.domains.create(domain="alpha-extra.localhost", is_primary=False)
    assert other.get("/").status_code == 200


def test_renaming_a_domain_stops_routing_the_old_host_at_once(tenant_alpha):
    old, new = Client(HTTP_HOST="alpha-old.localhost"), Client(HTTP_HOST="alpha-new.localhost")
    domain = tenant_alpha.domains.create(domain="alpha-old.localhost", is_primary=False)
    assert old.get("/").status_code == 200  # cached as alpha
    assert new.get("/", **JSON).status_code == 404  # cached as missing
    domain.domain = "alpha-new.localhost"
    domain.save()
    assert old.get("/", **JSON).status_code == 404
    assert new.get("/").status_code == 200
