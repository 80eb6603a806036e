"""Deleting roles in the tenant admin: through rbac.services.role_delete (audited; a role
still held by staff and the owner role are refused), from a role's page and with "delete
selected", and not for staff who may only look at roles."""

from django.db import connection
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.rbac.models import Role, RoleAssignment
from apps.rbac.services import role_create
from tests.admin_pages import run_action, tenant_admin_client, texts
from tests.workspace import make_staff

LIST_URL = "/admin/rbac/role/"


def custom_role(key: str) -> Role:
    with schema_context("alpha"):
        role = role_create(key=key, name=key.title(), actor=None, grants={"customer:view": "tenant"})
    connection.set_schema_to_public()
    return role


def role_exists(pk: int) -> bool:
    with schema_context("alpha"):
        exists = Role.objects.filter(pk=pk).exists()
    connection.set_schema_to_public()
    return exists


def test_owner_deletes_an_unused_role_from_its_page(owner_alpha):
    role = custom_role("volunteer")
    client = tenant_admin_client("owner@alpha.test")
    url = f"{LIST_URL}{role.pk}/delete/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200 and any("deleted successfully" in text for text in texts(response))
    assert not role_exists(role.pk)
    event = AuditEvent.objects.get(action="rbac.role_deleted", target_id=str(role.pk))
    assert event.tenant_slug == "alpha" and event.actor_id == owner_alpha.pk


def test_a_role_held_by_staff_is_not_deleted(db):
    role = custom_role("volunteer")
    make_staff("alpha", "helper@alpha.test", ["volunteer"])
    client = tenant_admin_client("owner@alpha.test")
    response = client.post(f"{LIST_URL}{role.pk}/delete/", {"post": "yes"})
    assert response.status_code == 409
    assert "Remove this role from its 1 staff members first" in response.content.decode()
    assert role_exists(role.pk)
    with schema_context("alpha"):
        assert RoleAssignment.objects.filter(role_id=role.pk).exists()
    assert not AuditEvent.objects.filter(action="rbac.role_deleted").exists()


def test_the_owner_role_cannot_be_deleted(db):
    with schema_context("alpha"):
        owner_role = Role.objects.get(key="owner")
    connection.set_schema_to_public()
    client = tenant_admin_client("owner@alpha.test")
    assert client.post(f"{LIST_URL}{owner_role.pk}/delete/", {"post": "yes"}).status_code == 403
    response = run_action(client, LIST_URL, "delete_selected", [owner_role.pk], post="yes")
    assert response.status_code == 403
    assert role_exists(owner_role.pk)


def test_staff_who_may_only_look_at_roles_cannot_delete_them(db):
    role = custom_role("volunteer")
    make_staff("alpha", "manager@alpha.test", ["manager"])  # role:view only
    client = tenant_admin_client("manager@alpha.test")
    assert client.get(LIST_URL).status_code == 200
    assert client.post(f"{LIST_URL}{role.pk}/delete/", {"post": "yes"}).status_code == 403
    run_action(client, LIST_URL, "delete_selected", [role.pk], post="yes")
    assert role_exists(role.pk)


def test_delete_selected_deletes_unused_roles_through_the_service(owner_alpha):
    roles = [custom_role("volunteer"), custom_role("intern")]
    client = tenant_admin_client("owner@alpha.test")
    run_action(client, LIST_URL, "delete_selected", [role.pk for role in roles], post="yes")
    assert not any(role_exists(role.pk) for role in roles)
    events = AuditEvent.objects.filter(action="rbac.role_deleted", tenant_slug="alpha")
    assert sorted(events.values_list("target_id", flat=True)) == sorted(str(role.pk) for role in roles)


def test_delete_selected_refuses_a_role_held_by_staff(db):
    role = custom_role("volunteer")
    make_staff("alpha", "helper@alpha.test", ["volunteer"])
    client = tenant_admin_client("owner@alpha.test")
    run_action(client, LIST_URL, "delete_selected", [role.pk], post="yes")
    assert role_exists(role.pk)
    with schema_context("alpha"):
        assert RoleAssignment.objects.filter(role_id=role.pk).exists()
