"""The routing cache holds plain values under versioned keys (apps.core.cache), and the
services that change a tenant or its domains bump them: no signal needed."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_save
from django.test import Client
from django_redis import get_redis_connection

from apps.accounts.hq import HQ_MASTER
from apps.accounts.models import User
from apps.core.cache import check_plain
from apps.tenants import lifecycle, signals
from apps.tenants.models import Domain, Tenant
from apps.tenants.routing import tenant_for_host
from apps.tenants.services import domain_save, tenant_update_details

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def master(db):
    user = User.objects.create_user("master@platform.test", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=HQ_MASTER))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def services_only():
    """The fallback receivers (for writes outside the services) switched off: what is
    left is what the services themselves do."""
    receivers = [(post_save, signals._tenant_changed, Tenant), (post_delete, signals._tenant_changed, Tenant),
                 (pre_save, signals._domain_saving, Domain), (post_save, signals._domain_changed, Domain),
                 (post_delete, signals._domain_changed, Domain)]
    for signal, receiver, sender in receivers:
        assert signal.disconnect(receiver, sender=sender)
    yield
    for signal, receiver, sender in receivers:
        signal.connect(receiver, sender=sender)


def test_routing_caches_plain_values_not_a_pickled_tenant(alpha_client):
    assert alpha_client.get("/").status_code == 200
    raw = get_redis_connection("default").get(cache.make_key("tenants:host:alpha.localhost"))
    assert raw is not None
    assert b"apps.tenants" not in raw and b"django" not in raw  # no model class in the pickle
    tokens, row = cache.get("tenants:host:alpha.localhost")
    assert type(row) is dict and row["schema_name"] == "alpha" and row["status"] == "active"
    check_plain(row)


def test_the_routed_tenant_loads_other_fields_on_demand(tenant_alpha, django_assert_num_queries):
    tenant_for_host("alpha.localhost")
    with django_assert_num_queries(0):
        routed = tenant_for_host("alpha.localhost")
        assert (routed.pk, routed.schema_name, routed.slug, routed.status) == (
            tenant_alpha.pk, "alpha", "alpha", Tenant.Status.ACTIVE)
    with django_assert_num_queries(1):
        assert routed.owner_email == tenant_alpha.owner_email


def test_a_committed_service_edit_reaches_routing_at_once(tenant_alpha, master, services_only,
                                                          django_capture_on_commit_callbacks,
                                                          django_assert_num_queries):
    assert tenant_for_host("alpha.localhost").name == "Alpha Academy"  # cached
    tenant_alpha.name = "Alpha Hagwon"
    with django_capture_on_commit_callbacks(execute=True):  # the commit
        tenant_update_details(tenant=tenant_alpha, actor=master, fields=["name"])
    assert tenant_for_host("alpha.localhost").name == "Alpha Hagwon"
    with django_assert_num_queries(0):  # cached again
        assert tenant_for_host("alpha.localhost").name == "Alpha Hagwon"


def test_a_suspension_reaches_routing_within_its_transaction(tenant_alpha, master, services_only, alpha_client):
    assert alpha_client.get("/").status_code == 200  # cached as active
    connection.set_schema_to_public()  # as on the ops portal
    lifecycle.tenant_suspend(tenant=tenant_alpha, actor=master, reason="unpaid invoices")
    response = alpha_client.get("/api/v1/me/", **JSON)
    assert response.status_code == 403 and response.json()["error"]["code"] == "tenant_suspended"


def test_a_domain_saved_through_the_service_routes_at_once(tenant_alpha, master, services_only):
    other = Client(HTTP_HOST="alpha-service.localhost")
    assert other.get("/", **JSON).status_code == 404  # cached as unknown
    domain_save(domain=Domain(domain="alpha-service.localhost", tenant=tenant_alpha, is_primary=False), actor=master)
    assert other.get("/").status_code == 200
