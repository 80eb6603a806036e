"""Each user's access snapshot is cached (apps.rbac.selectors.access_for, under the
workspace's `roles:<schema>` scope). A permission that outlives its revocation would be a
security bug, so every kind of change to roles, grants and assignments must reach the very
next request. Each change runs with its on-commit callbacks executed, as a real commit
would (versions are bumped on commit), after a request that provably answered from the
cache (no query of a role table)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.core.cache import scope, versions
from apps.rbac import services
from apps.rbac.models import Role, RoleAssignment, RolePermission
from tests.plugin import client_for, obtain_tokens
from tests.workspace import make_branch, make_staff

EMAIL = "access-cache@alpha.test"


@pytest.fixture
def setup(db, commit):
    """Two branches, a role "cache-role" (customer:view and customer:add workspace-wide)
    held by a staff member limited to nothing, and their token."""
    with commit():
        north, south = make_branch("alpha", "Cache North"), make_branch("alpha", "Cache South")
        with schema_context("alpha"):
            role = services.role_create(key="cache-role", name="Cache role", actor=None,
                                        grants={"customer:view": "tenant", "customer:add": "tenant"})
        connection.set_schema_to_public()
        user = make_staff("alpha", EMAIL, ["cache-role"])
        access = obtain_tokens("alpha", EMAIL)["access"]
    connection.set_schema_to_public()
    return {"client": client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {access}"), "user": user, "role": role,
            "north": north, "south": south}


def ask(client, perm: str) -> dict:
    response = client.get(f"/api/v1/auth/check-permission/?perm={perm}")
    assert response.status_code == 200, response.content
    return response.json()


def cached(client, perm: str) -> dict:
    """The answer, and proof that it came from the snapshot: no role table was read."""
    ask(client, perm)
    with CaptureQueriesContext(connection) as queries:
        answer = ask(client, perm)
    assert not [q["sql"] for q in queries.captured_queries if "rbac_" in q["sql"]]
    return answer


def in_alpha(commit, change, *args, **kwargs):
    """`change` committed inside alpha's schema."""
    with commit(), schema_context("alpha"):
        result = change(*args, **kwargs)
    connection.set_schema_to_public()
    return result


def test_a_permission_removed_from_the_role(setup, commit):
    client = setup["client"]
    assert cached(client, "customer:add")["allowed"]
    in_alpha(commit, services.role_update, role=setup["role"], actor=None, grants={"customer:view": "tenant"})
    assert not ask(client, "customer:add")["allowed"]
    assert client.post("/api/v1/customers/", {"name": "Refused"}, content_type="application/json").status_code == 403


def test_a_scope_narrowed(setup, commit):
    client = setup["client"]
    assert cached(client, "customer:view")["scope"] == "tenant"
    in_alpha(commit, services.role_update, role=setup["role"], actor=None,
             grants={"customer:view": "own", "customer:add": "tenant"})
    assert ask(client, "customer:view")["scope"] == "own"


def test_a_role_disabled_and_renamed(setup, commit):
    client = setup["client"]
    cached(client, "customer:view")
    in_alpha(commit, services.role_update, role=setup["role"], actor=None, name="Renamed role")
    assert client.get("/api/v1/me/").json()["roles"] == [{"key": "cache-role", "name": "Renamed role"}]
    in_alpha(commit, services.role_update, role=setup["role"], actor=None, is_active=False)
    assert not ask(client, "customer:view")["allowed"]
    assert client.get("/api/v1/me/").json()["roles"] == []


def test_a_role_unassigned_and_assigned_again_limited_to_a_branch(setup, commit):
    client, user, role = setup["client"], setup["user"], setup["role"]
    assert cached(client, "customer:view")["branches"] is None
    in_alpha(commit, services.role_unassign, user=user, role=role, actor=None)
    assert not ask(client, "customer:view")["allowed"]
    cached(client, "customer:view")
    in_alpha(commit, services.role_assign, user=user, role=role, branches=[setup["north"]])
    assert ask(client, "customer:view")["branches"] == [setup["north"].pk]
    cached(client, "customer:view")
    in_alpha(commit, services.role_assign, user=user, role=role, branches=[setup["south"]])  # same role, moved
    assert ask(client, "customer:view")["branches"] == [setup["south"].pk]


def test_roles_replaced(setup, commit):
    client, user = setup["client"], setup["user"]
    assert not cached(client, "order:view")["allowed"]

    def replace():
        services.user_roles_set(user=user, assignments=[(Role.objects.get(key="clerk"), [setup["north"]])],
                                actor=None)

    in_alpha(commit, replace)
    assert ask(client, "customer:add")["branches"] == ask(client, "customer:view")["branches"] == [setup["north"].pk]
    assert [role["key"] for role in client.get("/api/v1/me/").json()["roles"]] == ["clerk"]


def test_an_active_role_token_loses_the_role(setup, commit):
    client, user = setup["client"], setup["user"]
    switched = client.post("/api/v1/auth/switch-role/", {"role": "cache-role"}, content_type="application/json")
    acting = client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {switched.json()['access']}")
    assert cached(acting, "customer:view")["allowed"]
    in_alpha(commit, services.role_unassign, user=user, role=setup["role"], actor=None)
    assert not ask(acting, "customer:view")["allowed"]


def test_rows_written_outside_the_services_are_seen_at_once(setup, commit):
    """A shell, a data fix or an admin inline that saves rows directly (apps.rbac.signals)."""
    from django.contrib.auth.models import Permission

    client, role = setup["client"], setup["role"]
    assert not cached(client, "customer:delete")["allowed"]
    in_alpha(commit, RolePermission.objects.create, role=role, scope="tenant",
             permission=Permission.objects.get(codename="delete_customer", content_type__app_label="crm"))
    assert ask(client, "customer:delete")["allowed"]
    cached(client, "customer:delete")
    in_alpha(commit, lambda: RolePermission.objects.filter(role=role, permission__codename="delete_customer").delete())
    assert not ask(client, "customer:delete")["allowed"]
    cached(client, "customer:view")
    in_alpha(commit, lambda: RoleAssignment.objects.get(user_id=setup["user"].pk, role=role).branches.add(
        setup["south"]))
    assert ask(client, "customer:view")["branches"] == [setup["south"].pk]
    cached(client, "customer:view")
    in_alpha(commit, lambda: RoleAssignment.objects.filter(user_id=setup["user"].pk).delete())
    assert not ask(client, "customer:view")["allowed"]


def roles_version() -> str:
    return versions(scope("roles", "alpha"))[scope("roles", "alpha")]


def test_every_role_write_bumps_the_workspace_scope(setup, commit):
    """The services that write roles, grants and assignments (including copying HQ's role
    templates and bootstrapping the owner role) each move the `roles:alpha` version on commit."""
    from apps.roletemplates.services import templates_apply

    user, role = setup["user"], setup["role"]

    writes = {
        "bootstrap": lambda: services.roles_bootstrap(),
        "templates": lambda: templates_apply(business_type="food"),  # new roles here: the restaurant's
        "create": lambda: services.role_create(key="bump-role", name="Bump", actor=None),
        "update": lambda: services.role_update(role=role, actor=None, description="changed"),
        "assign": lambda: services.role_assign(user=user, role=Role.objects.get(key="clerk")),
        "unassign": lambda: services.role_unassign(user=user, role=Role.objects.get(key="clerk"), actor=None),
        "delete": lambda: services.role_delete(role=Role.objects.get(key="bump-role"), actor=None),
        "branch deleted": lambda: setup["south"].delete(),
    }
    for name, write in writes.items():
        before = roles_version()
        in_alpha(commit, write)
        assert roles_version() != before, name
