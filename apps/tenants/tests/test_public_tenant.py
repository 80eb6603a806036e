"""The platform's own (public, HQ) tenant: no lifecycle transition, read-only domains,
not a business type and not in the tenant list. A suspended or deleted public tenant
would answer 403/404 on the whole ops portal and platform API."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from apps.accounts.hq import HQ_MASTER
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.errors import PlatformError
from apps.tenants import lifecycle
from apps.tenants.models import Domain, Tenant
from apps.tenants.services import (
    domain_delete,
    domain_save,
    tenant_retry_provisioning,
    tenant_start_provisioning,
    tenant_update_details,
)
from apps.tenants.states import check_transition
from tests.plugin import client_for, hq_client

S = Tenant.Status


@pytest.fixture
def public(db):
    return Tenant.objects.get(schema_name=settings.PUBLIC_SCHEMA_NAME)


@pytest.fixture
def master(db):
    """An HQ master: allowed every lifecycle action, so only the guard can refuse."""
    user = User.objects.create_user("master@platform.test", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=HQ_MASTER))
    return user


def test_public_tenant_is_internal(public):
    assert public.kind == Tenant.Kind.INTERNAL and public.status == S.ACTIVE


@pytest.mark.parametrize("attempt", [
    lambda t, u: lifecycle.tenant_suspend(tenant=t, actor=u, reason="test"),
    lambda t, u: lifecycle.tenant_soft_delete(tenant=t, actor=u, reason="test"),
    lambda t, u: lifecycle.tenant_reactivate(tenant=t, actor=u),
    lambda t, u: lifecycle.tenant_restore(tenant=t, actor=u),
    lambda t, u: lifecycle.tenant_approve(tenant=t, actor=u),
    lambda t, u: lifecycle.tenant_purge(tenant=t, actor=u),
    lambda t, u: lifecycle.tenant_resend_invite(tenant=t, actor=u),
    lambda t, u: tenant_start_provisioning(tenant=t, actor=u),
    lambda t, u: tenant_retry_provisioning(tenant=t, actor=u),
    lambda t, u: lifecycle.tenant_suspend(tenant=t, actor=None, reason="system"),  # beat, webhooks
], ids=["suspend", "delete", "reactivate", "restore", "approve", "purge", "invite", "provision", "retry", "system"])
def test_no_lifecycle_service_moves_the_public_tenant(public, master, attempt):
    with pytest.raises(PlatformError) as exc:
        attempt(public, master)
    assert (exc.value.code, exc.value.status) == ("public_tenant", 409)
    assert "platform's own (HQ) tenant" in str(exc.value.message)
    public.refresh_from_db()
    assert public.status == S.ACTIVE
    assert not public.status_changes.exists()
    assert client_for(None).get("/").status_code == 200  # the ops portal's host still answers


@pytest.mark.parametrize("target", [S.SUSPENDED, S.DELETED, S.ACTIVE])
def test_the_state_machine_itself_refuses_the_public_tenant(public, target):
    with pytest.raises(PlatformError) as exc:
        check_transition(public, target)
    assert exc.value.code == "public_tenant"


def test_public_tenant_details_are_not_edited_here(public, master):
    public.name = "Renamed"
    with pytest.raises(PlatformError) as exc:
        tenant_update_details(tenant=public, actor=master, fields=["name"])
    assert exc.value.code == "public_tenant"
    assert Tenant.objects.get(pk=public.pk).name != "Renamed"


def test_public_domains_are_read_only(public, master, tenant_alpha):
    domain = public.domains.get(domain=settings.BASE_DOMAIN)
    with pytest.raises(PlatformError) as exc:
        domain_delete(domain=domain, actor=master)
    assert exc.value.code == "public_tenant"
    domain.domain = "renamed.localhost"
    with pytest.raises(ValidationError):
        domain_save(domain=domain, actor=master)
    with pytest.raises(ValidationError):  # nor handed to another tenant
        domain_save(domain=Domain(pk=domain.pk, domain=settings.BASE_DOMAIN, tenant=tenant_alpha), actor=master)
    with pytest.raises(ValidationError):  # nor does the public tenant get more
        domain_save(domain=Domain(domain="hq-extra.localhost", tenant=public), actor=master)
    assert list(public.domains.values_list("domain", flat=True)) == [settings.BASE_DOMAIN]
    assert not AuditEvent.objects.filter(action__startswith="tenant.domain_").exists()


# --- In the ops portal, as the HQ user -------------------------------------------------------


def test_public_tenant_is_not_in_the_tenant_list_nor_editable(public, tenant_alpha):
    client = hq_client()
    page = client.get("/admin/tenants/tenant/")
    assert page.status_code == 200
    listed = {tenant.pk for tenant in page.context["cl"].result_list}
    assert tenant_alpha.pk in listed and public.pk not in listed
    change = client.get(f"/admin/tenants/tenant/{public.pk}/change/")
    assert change.status_code == 302  # "doesn't exist": nothing to edit
    # its lifecycle pages are not there either, and a forged post changes nothing
    assert client.get(f"/admin/tenants/tenant/{public.pk}/lifecycle/suspend/").status_code == 404
    assert client.post(f"/admin/tenants/tenant/{public.pk}/lifecycle/suspend/",
                       {"reason": "oops"}).status_code == 404
    public.refresh_from_db()
    assert public.status == S.ACTIVE
    assert client.get("/admin/").status_code == 200


def test_public_domain_is_read_only_in_the_portal(public):
    client = hq_client()
    domain = public.domains.get(domain=settings.BASE_DOMAIN)
    page = client.get(f"/admin/tenants/domain/{domain.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="domain"' not in html and 'name="_save"' not in html  # shown, not editable
    assert client.post(f"/admin/tenants/domain/{domain.pk}/change/",
                       {"domain": "evil.localhost", "tenant": public.pk}).status_code == 403
    assert client.post(f"/admin/tenants/domain/{domain.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post("/admin/tenants/domain/", {"action": "delete_selected", "_selected_action": [domain.pk],
                                                   "post": "yes"})
    assert bulk.status_code == 403  # Django's bulk delete checks the permission per object
    domain.refresh_from_db()
    assert domain.domain == settings.BASE_DOMAIN and domain.tenant_id == public.pk
    # adding a domain to the public tenant is refused as a form error, not a crash
    added = client.post("/admin/tenants/domain/add/", {"domain": "hq-extra.localhost", "tenant": public.pk})
    assert added.status_code == 200 and "address cannot be changed or removed here" in added.content.decode()
    assert not Domain.objects.filter(domain="hq-extra.localhost").exists()
    assert client.get("/admin/").status_code == 200
