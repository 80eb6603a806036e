"""Another tenant's token, session and API key get nothing from alpha's workspace, and
alpha's object ids used on beta's host (with beta's own, fully privileged credentials)
find nothing: every workspace endpoint, every tenant admin model page. Beta's
credentials are those of beta's owner and of a person who is staff (owner role) in both
tenants, whose membership passes on alpha too (tests.plugin.two_tenant_person)."""

import pytest
from django.core.cache import cache

from apps.authz import catalogue
from apps.core.admin_sites import tenant_admin
from tests.plugin import PASSWORD, TWO_TENANT_EMAIL, client_for, obtain_tokens
from tests.test_workspace_matrix import ENDPOINTS, call, concrete
from tests.workspace import api_key_client, make_branch, make_customer


@pytest.fixture
def alpha_objects(db):
    """Objects in alpha with ids that do not exist in beta."""
    from django_tenants.utils import schema_context

    from apps.apikeys.models import ApiKey
    from apps.branches.models import Branch
    from apps.crm.models import Customer
    from apps.rbac.models import Role
    from apps.staff.models import Invitation, StaffProfile

    for i in range(3):
        make_branch("alpha", f"Padding {i}")
    branch = make_branch("alpha", "Secret branch")
    customer = make_customer("alpha", "Secret Customer", branch=branch, email="secret@alpha.test")
    _client, key = api_key_client("alpha", ["customer:view"])
    with schema_context("beta"):
        top = {name: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
               for name, model in {"branches": Branch, "customers": Customer, "roles": Role,
                                   "invitations": Invitation, "staff": StaffProfile, "api-keys": ApiKey}.items()}
    ids = {"branches": branch.pk, "customers": customer.pk, "api-keys": key.pk}
    for name, pk in ids.items():
        assert pk > top[name], f"alpha's {name} id must not exist in beta"
    return {**ids, "roles": 10_000, "invitations": 10_000, "staff": 10_000}


BETA_PEOPLE = ["owner@beta.test", TWO_TENANT_EMAIL]


def everyone_from_beta(email="owner@beta.test"):
    beta = obtain_tokens("beta", email)
    session = client_for("beta")
    assert session.post("/admin/login/", {"username": email, "password": PASSWORD}).status_code == 302
    beta_key_client, _key = api_key_client("beta", catalogue.all_keys())
    return {"token": beta["access"], "cookies": session.cookies,
            "api_key": beta_key_client.defaults["HTTP_AUTHORIZATION"]}


@pytest.mark.parametrize("email", BETA_PEOPLE)
def test_beta_credentials_on_alpha_get_nothing(alpha_objects, two_tenant_person, email):
    creds = everyone_from_beta(email)
    clients = {
        "token": client_for("alpha", HTTP_AUTHORIZATION=f"Bearer {creds['token']}"),
        "api_key": client_for("alpha", HTTP_AUTHORIZATION=creds["api_key"]),
    }
    session = client_for("alpha")
    session.cookies = creds["cookies"]
    clients["session"] = session
    for name, client in clients.items():
        for index, (route, method, _perm) in enumerate(ENDPOINTS):
            if index % 100 == 0:  # refused requests count against the address, 120 a minute (apps.ratelimit)
                cache.delete_pattern("ratelimit:*")
            response = call(client, method, concrete(route, alpha_objects))
            where = f"beta {name} {method} alpha {route}"
            assert response.status_code in (401, 403), f"{where}: {response.status_code}"
            assert b"Secret" not in response.content and b"secret@alpha" not in response.content, where


def test_alpha_ids_on_beta_with_beta_owner_find_nothing(alpha_objects):
    client = client_for("beta", HTTP_AUTHORIZATION=f"Bearer {obtain_tokens('beta', 'owner@beta.test')['access']}")
    for route, method, _perm in ENDPOINTS:
        if "<int:pk>" not in route:
            continue
        response = call(client, method, concrete(route, alpha_objects))
        assert response.status_code == 404, f"{method} beta {route}: {response.status_code}"
    listing = client.get("/api/v1/customers/?search=Secret").json()["results"]
    assert listing == []


@pytest.mark.parametrize("email", BETA_PEOPLE)
def test_beta_session_gets_no_alpha_admin_page(alpha_objects, two_tenant_person, email):
    creds = everyone_from_beta(email)
    client = client_for("alpha")
    client.cookies = creds["cookies"]
    for model in tenant_admin._registry:
        opts = model._meta
        for page in ("", "add/", f"{alpha_objects.get('customers')}/change/"):
            response = client.get(f"/admin/{opts.app_label}/{opts.model_name}/{page}")
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (opts.label, page)
    beta_admin = client_for("beta")
    beta_admin.post("/admin/login/", {"username": "owner@beta.test", "password": PASSWORD})
    response = beta_admin.get(f"/admin/crm/customer/{alpha_objects['customers']}/change/")
    assert response.status_code == 302 and "/admin/login/" not in response["Location"]  # "does not exist" -> index
