"""The seams between apps.authz and the apps above it: rbac answers apps.authz.sources,
an API key is recognised by its shape (apps.authz.access.KeyCredential), not its class."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_tenants.utils import schema_context

from apps.authz import sources
from apps.authz.access import key_access
from apps.rbac import selectors
from tests.workspace import api_key_client


def test_rbac_registers_the_role_source(owner_alpha):
    with schema_context("alpha"):
        access = sources.access_for(user=owner_alpha)
        assert access.roles == selectors.access_for(user=owner_alpha).roles == ["owner"]
        assert sources.role_keys(user=owner_alpha) == frozenset({"owner"})
        assert access.has("rbac.access_admin")


def test_asking_with_no_source_registered_is_a_wiring_error(monkeypatch, owner_alpha):
    monkeypatch.setattr(sources, "_source", None)
    with pytest.raises(ImproperlyConfigured), schema_context("alpha"):
        sources.access_for(user=owner_alpha)
    with pytest.raises(ImproperlyConfigured), schema_context("alpha"):
        sources.role_keys(user=owner_alpha)


def test_a_key_credential_grants_its_permissions_workspace_wide():
    class Key:
        permission_names = {"crm.view_customer"}

    access = key_access(Key())
    assert access.has("crm.view_customer") and access.branch_ids("crm.view_customer") is None
    assert not access.has("crm.add_customer")
    assert key_access({"active_role": "teacher"}) is None and key_access(None) is None


def test_check_permission_answers_for_an_api_key(db):
    client, _key = api_key_client("alpha", ["customer:view"])
    body = client.get("/api/v1/auth/check-permission/?perm=customer:view").json()
    assert body == {"perm": "customer:view", "allowed": True, "scope": "tenant", "branches": None,
                    "active_role": None}
    assert client.get("/api/v1/auth/check-permission/?perm=customer:add").json()["allowed"] is False
