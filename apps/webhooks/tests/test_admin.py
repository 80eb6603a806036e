"""Webhooks in the tenant admin: adding an endpoint (its secret shown once), the
workspace secret revealed once to the owner, the actions, the sidebar entry."""

import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.webhooks import services
from apps.webhooks.delivery import endpoint_disable
from apps.webhooks.models import WebhookEndpoint
from tests.admin_pages import run_action, tenant_admin_client, texts

LIST_URL = "/admin/webhooks/webhookendpoint/"
ADD_URL = LIST_URL + "add/"


@pytest.fixture
def owner(db, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    return tenant_admin_client("owner@alpha.test")


def test_add_shows_the_secret_once(owner):
    response = owner.post(ADD_URL, {"url": "http://127.0.0.1:9/hook", "description": "CRM", "events": ["test.pinged"]})
    page = response.content.decode()
    # On the response page itself (no-store), never in a message stored until shown
    assert response.status_code == 200 and "no-store" in response["Cache-Control"], page[:2000]
    assert 'id="webhook-secrets-shown"' in page and not texts(response)
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", page).group(0)
    with schema_context("alpha"):
        endpoint = WebhookEndpoint.objects.get(url="http://127.0.0.1:9/hook")
        assert endpoint.events == ["test.pinged"]
    connection.set_schema_to_public()
    page = owner.get(f"{LIST_URL}{endpoint.pk}/change/").content.decode()
    assert secret not in page and secret[-4:] in page


def test_add_refuses_unknown_hosts_and_private_addresses(owner, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    response = owner.post(ADD_URL, {"url": "http://127.0.0.1:9/hook"})
    assert response.status_code == 200 and "public addresses" in response.content.decode()


def test_workspace_secret_revealed_once_to_the_owner(owner):
    with schema_context("alpha"):
        for secret in services.SigningSecret.objects.filter(endpoint__isnull=True):
            secret.delete()
        _secret, raw = services.workspace_secret_issue()
    connection.set_schema_to_public()
    first = owner.get(LIST_URL).content.decode()
    assert raw in first
    second = owner.get(LIST_URL).content.decode()
    assert raw not in second and f"whsec_…{raw[-4:]}" in second


def test_actions_rotate_enable_replay(owner):
    with schema_context("alpha"):
        endpoint, _secret = services.endpoint_create(url="http://127.0.0.1:9/hook", actor=None)
        endpoint_disable(endpoint=endpoint, reason="gone")
    connection.set_schema_to_public()
    response = run_action(owner, LIST_URL, "rotate_secret", [endpoint.pk])
    page = response.content.decode()
    assert 'id="webhook-secrets-shown"' in page and "The previous secret signs too until" in page
    assert "no-store" in response["Cache-Control"] and re.search(r"whsec_[A-Za-z0-9+/=]{20,}", page)
    assert not texts(response)
    response = run_action(owner, LIST_URL, "replay_since_disabled", [endpoint.pk])
    assert any("enabled again" in text for text in texts(response))
    with schema_context("alpha"):
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).is_active
        endpoint_disable(endpoint=endpoint, reason="gone")
    connection.set_schema_to_public()
    run_action(owner, LIST_URL, "enable", [endpoint.pk])
    with schema_context("alpha"):
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).is_active


def test_sidebar_and_pages(owner):
    page = owner.get("/admin/").content.decode()
    assert LIST_URL in page
    assert owner.get(LIST_URL).status_code == 200 and owner.get(ADD_URL).status_code == 200
