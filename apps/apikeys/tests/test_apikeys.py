"""API keys: shown once, stored hashed, scoped to permissions, expiry, revocation, last use."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.apikeys.models import ApiKey
from tests.plugin import client_for
from tests.workspace import api, api_key_client, make_staff


@pytest.fixture
def owner(db):
    return api("alpha", "owner@alpha.test")


def test_created_once_hashed_and_usable(owner):
    created = owner.post("/api/v1/api-keys/", {"name": "Sync", "permissions": ["customer:view"]},
                         content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["key"]
    assert body["permissions"] == ["customer:view"] and body["status"] == "active"
    with schema_context("alpha"):
        stored = ApiKey.objects.get(pk=body["id"])
        assert stored.key_hash == hashlib.sha256(secret.split(".", 1)[1].encode()).hexdigest()
        assert secret not in str(stored.__dict__)
    connection.set_schema_to_public()
    assert "key" not in owner.get(f"/api/v1/api-keys/{body['id']}/").json()
    client = client_for("alpha", HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert client.get("/api/v1/customers/").status_code == 200
    denied = client.get("/api/v1/staff/")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "permission_denied"
    assert client.get("/api/v1/me/").status_code == 403  # a key is not a person
    with schema_context("alpha"):
        assert ApiKey.objects.get(pk=body["id"]).last_used_at is not None


def test_expired_revoked_and_wrong_keys(owner):
    client, key = api_key_client("alpha", ["customer:view"])
    assert client.get("/api/v1/customers/").status_code == 200
    assert owner.delete(f"/api/v1/api-keys/{key.pk}/").status_code == 204
    revoked = client.get("/api/v1/customers/")
    assert revoked.status_code == 401 and revoked.json()["error"]["code"] == "api_key_revoked"

    client, key = api_key_client("alpha", ["customer:view"], expires_at=timezone.now() + timedelta(hours=1))
    with schema_context("alpha"):
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    connection.set_schema_to_public()
    expired = client.get("/api/v1/customers/")
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "api_key_expired"

    prefix = key.prefix
    for raw in (f"{prefix}.wrong", "garbage", f"{prefix}."):
        response = client_for("alpha", HTTP_AUTHORIZATION=f"Api-Key {raw}").get("/api/v1/customers/")
        assert response.status_code == 401 and response.json()["error"]["code"] == "api_key_invalid"


def test_no_wider_than_the_creator(db):
    make_staff("alpha", "keymaker@alpha.test", ["manager"])
    client = api("alpha", "keymaker@alpha.test")
    response = client.post("/api/v1/api-keys/", {"name": "x", "permissions": ["customer:view"]},
                           content_type="application/json")
    assert response.status_code == 403  # the manager template does not allow API keys (HQ-locked)
    owner = api("alpha", "owner@alpha.test")
    unknown = owner.post("/api/v1/api-keys/", {"name": "x", "permissions": ["nope:nope"]},
                         content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_permission"
    past = owner.post("/api/v1/api-keys/", {"name": "x", "permissions": ["customer:view"],
                                            "expires_at": "2000-01-01T00:00:00Z"}, content_type="application/json")
    assert past.status_code == 400


def test_key_scope_grants_workspace_wide_but_only_its_permissions(db):
    client, _key = api_key_client("alpha", ["customer:view", "customer:add"])
    created = client.post("/api/v1/customers/", {"name": "From integration"}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert client.patch(f"/api/v1/customers/{created.json()['id']}/", {"name": "x"},
                        content_type="application/json").status_code == 403


def test_branch_limited_creator_cannot_mint_a_workspace_wide_key(db):
    """A key acts in every branch, so it only gets permissions its creator holds
    workspace-wide: a branch- (or own-) scoped permission is refused, API and admin."""
    from tests.plugin import PASSWORD
    from tests.workspace import make_branch

    owner = api("alpha", "owner@alpha.test")
    role = owner.post("/api/v1/roles/", {"key": "integrator", "name": "Integrator", "permissions": {
        "apikey:add": "tenant", "apikey:view": "tenant", "customer:view": "branch", "admin:access": "tenant"}},
                      content_type="application/json")
    assert role.status_code == 201, role.content
    adder = owner.post("/api/v1/roles/", {"key": "adder", "name": "Adder", "permissions": {"customer:add": "tenant"}},
                       content_type="application/json")
    assert adder.status_code == 201, adder.content
    north = make_branch("alpha", "Key North")
    make_staff("alpha", "integ@alpha.test", ["integrator"], [north])
    make_staff("alpha", "integ@alpha.test", ["adder"])  # workspace-wide
    me = api("alpha", "integ@alpha.test")
    refused = me.post("/api/v1/api-keys/", {"name": "x", "permissions": ["customer:view"]},
                      content_type="application/json")
    assert refused.status_code == 403, refused.content
    error = refused.json()["error"]
    assert error["code"] == "api_key_scope_too_wide" and error["details"]["scoped"] == ["customer:view"]
    with schema_context("alpha"):
        assert not ApiKey.objects.exists()
    connection.set_schema_to_public()
    allowed = me.post("/api/v1/api-keys/", {"name": "y", "permissions": ["customer:add"]},
                      content_type="application/json")
    assert allowed.status_code == 201, allowed.content

    browser = client_for("alpha")
    browser.post("/admin/login/", {"username": "integ@alpha.test", "password": PASSWORD})
    form = browser.post("/admin/apikeys/apikey/add/", {"name": "z", "perms": ["customer:view"]})
    assert form.status_code == 200 and "customer:view" in form.content.decode()
    with schema_context("alpha"):
        assert ApiKey.objects.count() == 1
    connection.set_schema_to_public()
