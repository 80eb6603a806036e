"""API keys in the tenant admin: issuing one (the secret is shown once, in a message, and
works against the API), the form's refusal of permissions the issuer lacks workspace-wide,
and the "revoke" action."""

import re

from django.db import connection
from django_tenants.utils import schema_context

from apps.apikeys.models import ApiKey
from apps.audit.models import AuditEvent
from apps.rbac.models import Role
from apps.rbac.services import role_create, role_update
from tests.admin_pages import offered_actions, run_action, tenant_admin_client, texts
from tests.plugin import client_for
from tests.workspace import api_key_client, make_staff

ADD_URL = "/admin/apikeys/apikey/add/"
LIST_URL = "/admin/apikeys/apikey/"


def add_form(**overrides):
    return {"name": "Sync", "perms": ["customer:view"], "expires_at_0": "", "expires_at_1": "", **overrides}


def key_maker(email: str, grants: dict[str, str]):
    """Staff with a role of their own that may manage API keys and holds `grants`."""
    with schema_context("alpha"):
        role_create(key="keymaker", name="Key maker", actor=None, grants={
            "admin:access": "tenant", "apikey:view": "tenant", "apikey:add": "tenant", "apikey:change": "tenant",
            **grants})
    connection.set_schema_to_public()
    return make_staff("alpha", email, ["keymaker"])


def test_owner_issues_a_key_whose_secret_is_shown_once_and_works(db, owner_alpha):
    client = tenant_admin_client("owner@alpha.test")
    response = client.post(ADD_URL, add_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    shown = [text for text in texts(response) if "Copy the key now" in text]
    assert len(shown) == 1, texts(response)
    secret = re.search(r"(\S+\.\S+)$", shown[0]).group(1)
    with schema_context("alpha"):
        key = ApiKey.objects.get(name="Sync")
        assert secret.startswith(key.prefix + ".")
        assert secret.split(".", 1)[1] not in key.key_hash
        assert [p.codename for p in key.permissions.all()] == ["view_customer"]
        assert key.created_by_id == owner_alpha.pk and key.revoked_at is None
    connection.set_schema_to_public()
    event = AuditEvent.objects.get(action="apikey.created", target_id=str(key.pk))
    assert event.tenant_slug == "alpha" and event.actor_id == owner_alpha.pk
    assert event.metadata["perms"] == ["customer:view"]

    integration = client_for("alpha", HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert integration.get("/api/v1/customers/").status_code == 200
    assert integration.get("/api/v1/staff/").status_code == 403  # only what the key was given
    # shown on the page the admin leads to, never again: not on the key's page, not in the list
    assert secret in client.get(response["Location"]).content.decode()
    for page in (f"/admin/apikeys/apikey/{key.pk}/change/", LIST_URL):
        assert secret not in client.get(page).content.decode()


def test_the_form_refuses_permissions_the_issuer_lacks_workspace_wide(db):
    key_maker("keymaker@alpha.test", {"customer:view": "branch", "tag:view": "tenant"})
    client = tenant_admin_client("keymaker@alpha.test")
    response = client.post(ADD_URL, add_form(perms=["customer:view", "tag:view"]))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    # named by label, as the checkboxes are
    assert "perms" in errors and "Customers · View" in errors["perms"][0] and "Tags" not in errors["perms"][0]
    with schema_context("alpha"):
        assert not ApiKey.objects.filter(name="Sync").exists()

    response = client.post(ADD_URL, add_form(perms=["tag:view"]))
    assert response.status_code == 302
    with schema_context("alpha"):
        assert [p.codename for p in ApiKey.objects.get(name="Sync").permissions.all()] == ["view_tag"]


def test_an_expiry_in_the_past_issues_no_key(db):
    client = tenant_admin_client("owner@alpha.test")
    response = client.post(ADD_URL, add_form(expires_at_0="2000-01-01", expires_at_1="00:00:00"))
    # the form again, with the error on the field
    assert response.status_code == 200 and response.context["adminform"].form.errors.get("expires_at")
    assert "The expiry must be in the future." in response.content.decode()
    with schema_context("alpha"):
        assert not ApiKey.objects.filter(name="Sync").exists()
    assert not AuditEvent.objects.filter(action="apikey.created", tenant_slug="alpha").exists()


def test_staff_without_key_permissions_cannot_issue_keys(db):
    make_staff("alpha", "manager@alpha.test", ["manager"])  # API keys are owner-only (HQ-locked)
    client = tenant_admin_client("manager@alpha.test")
    assert client.get(ADD_URL).status_code == 403
    assert client.post(ADD_URL, add_form()).status_code == 403
    with schema_context("alpha"):
        assert not ApiKey.objects.exists()


def test_revoke_action_stops_the_key_and_is_audited(db, owner_alpha):
    integration, key = api_key_client("alpha", ["customer:view"])
    assert integration.get("/api/v1/customers/").status_code == 200
    client = tenant_admin_client("owner@alpha.test")
    assert "revoke" in offered_actions(client.get(LIST_URL))
    response = run_action(client, LIST_URL, "revoke", [key.pk])
    assert response.status_code == 200
    with schema_context("alpha"):
        key.refresh_from_db()
    connection.set_schema_to_public()
    assert key.revoked_at is not None
    event = AuditEvent.objects.get(action="apikey.revoked", target_id=str(key.pk))
    assert event.actor_id == owner_alpha.pk and event.tenant_slug == "alpha"
    refused = integration.get("/api/v1/customers/")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "api_key_revoked"

    # revoking again changes nothing and writes no second event
    run_action(client, LIST_URL, "revoke", [key.pk])
    with schema_context("alpha"):
        assert ApiKey.objects.get(pk=key.pk).revoked_at == key.revoked_at
    assert AuditEvent.objects.filter(action="apikey.revoked", target_id=str(key.pk)).count() == 1


def test_revoke_needs_the_change_permission(db):
    _integration, key = api_key_client("alpha", ["customer:view"])
    key_maker("viewer@alpha.test", {})
    with schema_context("alpha"):  # the viewer's role may see keys but not change them
        role_update(role=Role.objects.get(key="keymaker"), actor=None,
                    grants={"admin:access": "tenant", "apikey:view": "tenant"})
    connection.set_schema_to_public()
    client = tenant_admin_client("viewer@alpha.test")
    page = client.get(LIST_URL)
    assert page.status_code == 200 and "revoke" not in offered_actions(page)
    run_action(client, LIST_URL, "revoke", [key.pk])
    with schema_context("alpha"):
        assert ApiKey.objects.get(pk=key.pk).revoked_at is None
    assert not AuditEvent.objects.filter(action="apikey.revoked", target_id=str(key.pk)).exists()


def test_keys_are_never_deleted_in_the_admin(db):
    _integration, key = api_key_client("alpha", ["customer:view"])
    client = tenant_admin_client("owner@alpha.test")
    assert client.get(f"{LIST_URL}{key.pk}/delete/").status_code == 403
    response = run_action(client, LIST_URL, "delete_selected", [key.pk], post="yes")
    assert response.status_code == 200 and "No action selected." in texts(response)
    with schema_context("alpha"):
        assert ApiKey.objects.filter(pk=key.pk).exists()
