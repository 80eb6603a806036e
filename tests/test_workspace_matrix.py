"""Generated permission matrix for the workspace: every workspace API endpoint and
method, and every tenant admin changelist/add page, for every role of the academy
template (with branch limits), a member without roles, and an API key. The expectation
comes from the role's grants in the database, the check from the live request."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context

from apps.authz import catalogue
from apps.core.admin_sites import tenant_admin
from apps.rbac.api import WorkspaceApi
from tests.plugin import PASSWORD, client_for
from tests.workspace import api, api_key_client, make_branch, make_customer, make_staff

PEOPLE = {
    # name: (roles, limited to branch 1?)
    "owner": (["owner"], False),
    "manager": (["manager"], True),
    "director": (["director"], False),
    "teacher": (["teacher"], True),
    "clerk": (["clerk"], True),
    "no_role": ([], False),
}
API_KEY_PERMS = ["customer:view", "branch:view"]


def workspace_endpoints() -> list[tuple[str, str, str]]:
    """(route with <pk>, method, resource:action) for every WorkspaceApi view. Methods a
    view also opens to consumers (`consumer_methods`: placing and paying their own
    orders) are collected in CONSUMER_METHODS."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view_class = getattr(pattern.callback, "view_class", None)
                if view_class and issubclass(view_class, WorkspaceApi):
                    for method, perm in view_class.perms.items():
                        found.append((prefix + str(pattern.pattern), method, perm))
                        if method in getattr(view_class, "consumer_methods", ()):
                            CONSUMER_METHODS.add((prefix + str(pattern.pattern), method))

    walk(get_resolver("platform_.urls_tenant").url_patterns, "")
    return sorted(found)


CONSUMER_METHODS: set[tuple[str, str]] = set()
ENDPOINTS = workspace_endpoints()


def test_every_workspace_endpoint_is_in_the_matrix():
    routes = {route for route, _method, _perm in ENDPOINTS}
    for expected in ("api/v1/customers/", "api/v1/roles/<int:pk>/", "api/v1/staff/<int:pk>/roles/",
                     "api/v1/invitations/", "api/v1/api-keys/", "api/v1/settings/", "api/v1/branches/<int:pk>/"):
        assert expected in routes
    assert all(perm in catalogue.all_keys() for _r, _m, perm in ENDPOINTS)


@pytest.fixture
def world(db):
    branch = make_branch("alpha", "Matrix branch")
    customer = make_customer("alpha", "Matrix customer", branch=branch)
    people = {}
    for name, (roles, limited) in PEOPLE.items():
        people[name] = make_staff("alpha", f"{name}@matrix.test", roles, [branch] if limited else [])
    from apps.rbac.models import Role
    from apps.staff.models import StaffProfile
    from apps.staff.services import invitation_create

    with schema_context("alpha"):
        invitation, _url = invitation_create(email="invitee@matrix.test", roles=[Role.objects.get(key="clerk")],
                                             actor=None)
        objects = {
            "roles": Role.objects.get(key="clerk").pk, "branches": branch.pk, "customers": customer.pk,
            "staff": StaffProfile.objects.get(user=people["clerk"]).pk, "invitations": invitation.pk,
        }
    _client, key = api_key_client("alpha", API_KEY_PERMS)
    objects["api-keys"] = key.pk
    return {"people": people, "objects": objects}


def granted(person: str) -> set[str]:
    from apps.rbac.models import RolePermission

    roles = PEOPLE[person][0]
    with schema_context("alpha"):
        rows = RolePermission.objects.filter(role__key__in=roles, role__is_active=True).select_related(
            "permission__content_type")
        return {catalogue.key_for(r.permission.codename, r.permission.content_type.model) for r in rows}


def concrete(route: str, objects: dict) -> str:
    """The route with the world's object for its resource as <pk>, 1 for any other id
    (an item's image: /catalog/manage/items/<pk>/images/<image_pk>/)."""
    resource = route.split("/")[2]
    return "/" + re.sub(r"<int:\w+>", "1", route.replace("<int:pk>", str(objects.get(resource, 1))))


def call(client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    return getattr(client, method.lower())(path, {}, content_type="application/json")


CONSUMER = "consumer@matrix.test"


def consumer_client():
    """A consumer of alpha (registered on its host): a customer membership, no roles."""
    from apps.consumers.services import consumer_register
    from tests.workspace import tenant

    consumer_register(tenant=tenant("alpha"), email=CONSUMER, password=PASSWORD, name="Matrix Consumer",
                      consents={"terms": True, "privacy": True, "marketing": False})
    return api("alpha", CONSUMER)


@pytest.mark.parametrize("person", [*PEOPLE, "api_key", "consumer"])
def test_api_permission_matrix(world, person):
    if person == "consumer":  # customers hold no workspace permission at all
        client, allowed = consumer_client(), set()
    elif person == "api_key":
        client, _key = api_key_client("alpha", API_KEY_PERMS)
        allowed = set(API_KEY_PERMS)
    else:
        client = api("alpha", f"{person}@matrix.test")
        allowed = granted(person)
    for index, (route, method, perm) in enumerate(ENDPOINTS):
        if index % 100 == 0:  # refused requests count against the address, 120 a minute (apps.ratelimit)
            cache.delete_pattern("ratelimit:*")
        response = call(client, method, concrete(route, world["objects"]))
        where = f"{person} {method} {route} ({perm})"
        if person == "consumer" and (route, method) in CONSUMER_METHODS:
            # their own orders only: an empty body is refused, someone else's order is not found
            assert response.status_code in (400, 404, 422), f"{where}: {response.status_code}"
            continue
        if perm in allowed:
            assert response.status_code != 403, f"{where}: refused {response.content[:300]}"
        else:
            assert response.status_code == 403, f"{where}: {response.status_code}"
            assert response.json()["error"]["code"] == "permission_denied", where


# Made elsewhere, never added in the admin: staff join by invitation, one settings row,
# orders are placed through the API (or by consumers).
NO_ADD_PAGE = ("staffprofile", "workspacesettings", "order")
# Detail pages without permissions of their own: their parent's decide (an item's option groups).
PARENT_RESOURCE = {"optiongroup": "item", "passplan": "item"}
# Pages gated by a permission of their own, not their model's view/change: (list page, add page).
PAGE_NEEDS = {"dataexport": ({"workspace:export"}, set()),
              # a workspace's custom domains are part of its settings (apps/workspace/domains)
              "domain": ({"settings:view", "settings:change"}, {"settings:change"})}
# A restaurant's pages do not exist in this academy: refused to everyone who enters.
OTHER_BUSINESS = ("food",)


def admin_models():
    return sorted(tenant_admin._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("person", [*PEOPLE, "consumer"])
def test_admin_permission_matrix(world, person):
    client = client_for("alpha")
    if person == "consumer":
        consumer_client()
    email = CONSUMER if person == "consumer" else f"{person}@matrix.test"
    client.post("/admin/login/", {"username": email, "password": PASSWORD})
    allowed = granted(person) if person in PEOPLE else set()
    enters = "admin:access" in allowed
    for model in admin_models():
        opts = model._meta
        resource = catalogue.key_for(f"view_{opts.model_name}", opts.model_name).split(":")[0]
        resource = PARENT_RESOURCE.get(resource, resource)
        own = PAGE_NEEDS.get(opts.model_name)
        for page, needs in (("", own[0] if own else {f"{resource}:view", f"{resource}:change"}),
                            ("add/", own[1] if own else {f"{resource}:add"})):
            path = f"/admin/{opts.app_label}/{opts.model_name}/{page}"
            response = client.get(path)
            where = f"{person} GET {path}"
            if not enters:
                assert response.status_code == 302 and "/admin/login/" in response["Location"], where
            elif opts.app_label in OTHER_BUSINESS:
                assert response.status_code == 403, f"{where}: {response.status_code}"
            elif needs & allowed and not (page == "add/" and opts.model_name in NO_ADD_PAGE):
                assert response.status_code in (200, 302), f"{where}: {response.status_code}"
                if response.status_code == 302:
                    assert "/admin/login/" not in response["Location"], where
            else:
                assert response.status_code == 403, f"{where}: {response.status_code}"
