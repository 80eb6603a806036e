"""Branch scope on lists and details, guardian object grants, HQ locks, role switching
and token claims, check-permission."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from rest_framework_simplejwt.tokens import AccessToken

from apps.rbac import services
from apps.rbac.models import Role
from tests.plugin import client_for, obtain_tokens
from tests.workspace import api, make_branch, make_customer, make_staff


@pytest.fixture
def two_branches(db):
    north, south = make_branch("alpha", "North"), make_branch("alpha", "South")
    customers = {
        "north": make_customer("alpha", "Nora North", branch=north),
        "south": make_customer("alpha", "Sam South", branch=south),
    }
    return north, south, customers


def test_branch_limited_teacher_sees_only_their_branch(two_branches):
    north, _south, customers = two_branches
    make_staff("alpha", "t1@alpha.test", ["teacher"], [north])
    client = api("alpha", "t1@alpha.test")
    names = [row["name"] for row in client.get("/api/v1/customers/").json()["results"]]
    assert names == ["Nora North"]
    assert client.get(f"/api/v1/customers/{customers['north'].pk}/").status_code == 200
    hidden = client.get(f"/api/v1/customers/{customers['south'].pk}/")
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    branches = [row["name"] for row in client.get("/api/v1/branches/").json()["results"]]
    assert branches == ["North"]


def test_owner_sees_every_branch(two_branches):
    client = api("alpha", "owner@alpha.test")
    names = {row["name"] for row in client.get("/api/v1/customers/").json()["results"]}
    assert {"Nora North", "Sam South"} <= names


def test_clerk_cannot_add_a_customer_to_another_branch(two_branches):
    north, south, _customers = two_branches
    make_staff("alpha", "c1@alpha.test", ["clerk"], [north])
    client = api("alpha", "c1@alpha.test")
    refused = client.post("/api/v1/customers/", {"name": "X", "branch": south.pk}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "branch_out_of_scope"
    ok = client.post("/api/v1/customers/", {"name": "Y", "branch": north.pk}, content_type="application/json")
    assert ok.status_code == 201, ok.content


def test_own_scope_uses_guardian_object_grants(two_branches, owner_alpha):
    north, _south, customers = two_branches
    teacher = make_staff("alpha", "t2@alpha.test", ["teacher"], [north])
    client = api("alpha", "t2@alpha.test")
    path = f"/api/v1/customers/{customers['north'].pk}/"
    # teacher: customer:change is "own" scope -> only objects granted per object
    assert client.patch(path, {"notes": "x"}, content_type="application/json").status_code == 404
    with schema_context("alpha"):
        services.object_grant(user=teacher, perm="crm.change_customer", obj=customers["north"], actor=owner_alpha)
    connection.set_schema_to_public()
    changed = client.patch(path, {"notes": "Good progress"}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["notes"] == "Good progress"


def test_hq_locked_permissions_cannot_change(db, owner_alpha):
    client = api("alpha", "owner@alpha.test")
    with schema_context("alpha"):
        teacher = Role.objects.get(key="teacher")
        assert "apikey:add" in teacher.locked
        grants = {"customer:view": "branch", "apikey:add": "tenant"}
    connection.set_schema_to_public()
    response = client.patch(f"/api/v1/roles/{teacher.pk}/", {"permissions": grants}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "permission_locked", "message": response.json()["error"]["message"],
                                        "details": {"perm": "apikey:add"}}
    # everything else may change
    current = client.get(f"/api/v1/roles/{teacher.pk}/").json()["permissions"]
    current["customer:view"] = "tenant"
    ok = client.patch(f"/api/v1/roles/{teacher.pk}/", {"permissions": current, "name": "Instructor"},
                      content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["name"] == "Instructor" and ok.json()["permissions"]["customer:view"] == "tenant"


def test_owner_role_is_fixed(db):
    client = api("alpha", "owner@alpha.test")
    with schema_context("alpha"):
        owner = Role.objects.get(key="owner")
    response = client.patch(f"/api/v1/roles/{owner.pk}/", {"is_active": False}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "system_role"


def test_disabled_role_grants_nothing(two_branches):
    north, _south, _customers = two_branches
    make_staff("alpha", "t3@alpha.test", ["teacher"], [north])
    owner = api("alpha", "owner@alpha.test")
    with schema_context("alpha"):
        teacher = Role.objects.get(key="teacher")
    assert owner.patch(f"/api/v1/roles/{teacher.pk}/", {"is_active": False},
                       content_type="application/json").status_code == 200
    response = api("alpha", "t3@alpha.test").get("/api/v1/customers/")
    assert response.status_code == 403


def test_switch_role_changes_claims_and_permissions(two_branches):
    north, _south, _customers = two_branches
    make_staff("alpha", "multi@alpha.test", ["teacher", "manager"], [north])
    tokens = obtain_tokens("alpha", "multi@alpha.test")
    claims = AccessToken(tokens["access"])
    assert claims["roles"] == ["manager", "teacher"] and claims["active_role"] is None
    assert claims["branch"] == north.pk and claims["branches"] == [north.pk]
    assert "invitation:add" in claims["permissions"]

    client = client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    switched = client.post("/api/v1/auth/switch-role/", {"role": "teacher"}, content_type="application/json")
    assert switched.status_code == 200, switched.content
    access = AccessToken(switched.json()["access"])
    assert access["active_role"] == "teacher" and "invitation:add" not in access["permissions"]
    as_teacher = client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {switched.json()['access']}")
    assert as_teacher.get("/api/v1/invitations/").status_code == 403
    assert client.get("/api/v1/invitations/").status_code == 200  # the old token still has both roles
    # refreshing keeps the active role
    refreshed = client_for("alpha").post("/api/v1/auth/token/refresh/", {"refresh": switched.json()["refresh"]},
                                         content_type="application/json")
    assert AccessToken(refreshed.json()["access"])["active_role"] == "teacher"

    refused = client.post("/api/v1/auth/switch-role/", {"role": "owner"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "role_not_held"


def test_check_permission_answers_for_the_caller(two_branches):
    north, south, _customers = two_branches
    make_staff("alpha", "t4@alpha.test", ["teacher"], [north])
    client = api("alpha", "t4@alpha.test")
    body = client.get("/api/v1/auth/check-permission/?perm=customer:view").json()
    assert body == {"perm": "customer:view", "allowed": True, "scope": "branch", "branches": [north.pk],
                    "active_role": None}
    assert client.get(f"/api/v1/auth/check-permission/?perm=customer:view&branch={south.pk}").json()["allowed"] is False
    assert client.get("/api/v1/auth/check-permission/?perm=apikey:add").json()["allowed"] is False
    unknown = client.get("/api/v1/auth/check-permission/?perm=nonsense")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "unknown_permission"
    owner = api("alpha", "owner@alpha.test").get("/api/v1/auth/check-permission/?perm=apikey:add").json()
    assert owner["allowed"] and owner["scope"] == "tenant" and owner["branches"] is None


def test_admin_changelist_is_filtered_by_branch(two_branches):
    north, _south, _customers = two_branches
    from tests.plugin import PASSWORD

    make_staff("alpha", "t5@alpha.test", ["teacher"], [north])
    client = client_for("alpha")
    assert client.post("/admin/login/", {"username": "t5@alpha.test", "password": PASSWORD}).status_code == 302
    page = client.get("/admin/crm/customer/").content.decode()
    assert "Nora North" in page and "Sam South" not in page


def test_matrix_editor_saves_and_respects_locks(db):
    from tests.plugin import PASSWORD

    client = client_for("alpha")
    client.post("/admin/login/", {"username": "owner@alpha.test", "password": PASSWORD})
    page = client.get("/admin/rbac/role/matrix/")
    assert page.status_code == 200 and "Customers · View" in page.content.decode()  # permissions by label
    with schema_context("alpha"):
        clerk = Role.objects.get(key="clerk")
        before = {g.permission.codename: g.scope for g in clerk.grants.select_related("permission")}
    form = {}
    for row in page.context["rows"]:
        for cell in row["cells"]:
            form[cell["name"]] = cell["value"]
    form[f"r{clerk.pk}:customer:delete"] = "branch"
    response = client.post("/admin/rbac/role/matrix/", form)
    assert response.status_code == 302
    with schema_context("alpha"):
        after = {g.permission.codename: g.scope for g in clerk.grants.select_related("permission")}
    assert after == {**before, "delete_customer": "branch"}
    form[f"r{clerk.pk}:apikey:add"] = "tenant"  # locked for the clerk
    client.post("/admin/rbac/role/matrix/", form)
    with schema_context("alpha"):
        assert not clerk.grants.filter(permission__codename="add_apikey").exists()


def test_admin_assignment_inline_goes_through_services(two_branches, owner_alpha):
    from tests.plugin import PASSWORD

    north, _south, _customers = two_branches
    teacher = make_staff("alpha", "inline@alpha.test", [])
    client = client_for("alpha")
    client.post("/admin/login/", {"username": "owner@alpha.test", "password": PASSWORD})
    with schema_context("alpha"):
        role = Role.objects.get(key="teacher")
        existing = list(role.assignments.all())
    connection.set_schema_to_public()
    form = {"key": role.key, "name": role.name, "description": role.description, "is_active": "on",
            "assignments-TOTAL_FORMS": str(len(existing) + 1), "assignments-INITIAL_FORMS": str(len(existing)),
            "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000"}
    for index, assignment in enumerate(existing):
        form[f"assignments-{index}-id"] = str(assignment.pk)
        form[f"assignments-{index}-role"] = str(role.pk)
        form[f"assignments-{index}-user"] = str(assignment.user_id)
    new = len(existing)
    form.update({f"assignments-{new}-role": str(role.pk), f"assignments-{new}-user": str(teacher.pk),
                 f"assignments-{new}-branches": [str(north.pk)]})
    response = client.post(f"/admin/rbac/role/{role.pk}/change/", form)
    assert response.status_code == 302, response.context and response.context.get("errors")
    from apps.audit.models import AuditEvent

    with schema_context("alpha"):
        assignment = role.assignments.get(user_id=teacher.pk)
        assert list(assignment.branches.values_list("pk", flat=True)) == [north.pk]
    assert AuditEvent.objects.filter(action="rbac.role_assigned", tenant__slug="alpha",
                                     metadata__user=str(teacher.public_id)).exists()


@pytest.fixture
def role_editor(db):
    """A member who may edit roles, with customer:view only in the North branch."""
    north = make_branch("alpha", "Editor North")
    owner = api("alpha", "owner@alpha.test")
    created = owner.post("/api/v1/roles/", {"key": "roleadmin", "name": "Role admin", "permissions": {
        "role:view": "tenant", "role:add": "tenant", "role:change": "tenant", "customer:view": "branch",
        "admin:access": "tenant"}}, content_type="application/json")
    assert created.status_code == 201, created.content  # the owner (full access) may grant anything
    make_staff("alpha", "ra@alpha.test", ["roleadmin"], [north])
    return created.json()["id"]


def _grants(role_key):
    with schema_context("alpha"):
        role = Role.objects.get(key=role_key)
        result = {g.permission.codename: g.scope for g in role.grants.select_related("permission")}
    connection.set_schema_to_public()
    return result


def test_role_editor_cannot_grant_what_they_do_not_hold(role_editor):
    me = api("alpha", "ra@alpha.test")
    before = _grants("roleadmin")
    own_role = {"role:view": "tenant", "role:add": "tenant", "role:change": "tenant", "admin:access": "tenant"}
    escalate = me.patch(f"/api/v1/roles/{role_editor}/", {"permissions": {
        **own_role, "customer:view": "branch", "customer:export": "tenant", "apikey:add": "tenant"}},
        content_type="application/json")
    assert escalate.status_code == 403 and escalate.json()["error"]["code"] == "grant_too_wide"
    assert escalate.json()["error"]["details"]["perms"] == ["apikey:add", "customer:export"]
    widen = me.patch(f"/api/v1/roles/{role_editor}/", {"permissions": {**own_role, "customer:view": "tenant"}},
                     content_type="application/json")
    assert widen.status_code == 403 and widen.json()["error"]["details"]["scopes"] == {"customer:view": "tenant"}
    assert _grants("roleadmin") == before
    new_wide = me.post("/api/v1/roles/", {"key": "wide", "name": "Wide", "permissions": {"customer:view": "tenant"}},
                       content_type="application/json")
    assert new_wide.status_code == 403 and new_wide.json()["error"]["code"] == "grant_too_wide"
    with schema_context("alpha"):
        assert not Role.objects.filter(key="wide").exists()
    connection.set_schema_to_public()
    # what they hold, at that scope or narrower, is fine; so is removing
    ok = me.post("/api/v1/roles/", {"key": "narrow", "name": "Narrow", "permissions": {
        "customer:view": "own", "role:view": "branch"}}, content_type="application/json")
    assert ok.status_code == 201, ok.content
    narrowed = me.patch(f"/api/v1/roles/{role_editor}/", {"permissions": {**own_role, "customer:view": "own"}},
                        content_type="application/json")
    assert narrowed.status_code == 200, narrowed.content


def test_matrix_refuses_grants_the_editor_does_not_hold(role_editor):
    from tests.plugin import PASSWORD

    client = client_for("alpha")
    client.post("/admin/login/", {"username": "ra@alpha.test", "password": PASSWORD})
    page = client.get("/admin/rbac/role/matrix/")
    assert page.status_code == 200
    before = _grants("roleadmin")
    form = {cell["name"]: cell["value"] for row in page.context["rows"] for cell in row["cells"]}
    form[f"r{role_editor}:customer:export"] = "tenant"
    form[f"r{role_editor}:customer:view"] = "tenant"
    response = client.post("/admin/rbac/role/matrix/", form, follow=True)
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert response.status_code == 200 and len(errors) == 1 and "Customers · Export" in errors[0]  # by label
    assert _grants("roleadmin") == before
