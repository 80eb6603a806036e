"""Deleting in the ops portal's tenant pages: tenants are never deleted there (not one by
one, not with "delete selected": they leave through the lifecycle's soft delete), and
domains are deleted through tenants.services.domain_delete (audited, the primary domain
refused), also in bulk."""

import pytest

from apps.accounts.hq import HQ_MASTER
from apps.audit.models import AuditEvent
from apps.tenants.models import Domain, Tenant
from tests.admin_pages import offered_actions, portal_user, run_action, texts
from tests.plugin import hq_client

TENANTS = "/admin/tenants/tenant/"
DOMAINS = "/admin/tenants/domain/"


@pytest.mark.parametrize("group", ["HQ_ADMIN", HQ_MASTER])
def test_tenants_cannot_be_deleted_in_the_portal(tenant_alpha, tenant_beta, group):
    client = hq_client() if group == "HQ_ADMIN" else portal_user(HQ_MASTER)[0]
    assert "delete_selected" not in offered_actions(client.get(TENANTS))
    response = run_action(client, TENANTS, "delete_selected", [tenant_alpha.pk, tenant_beta.pk], post="yes")
    assert response.status_code == 200 and not any("deleted" in text for text in texts(response))
    assert client.get(f"{TENANTS}{tenant_alpha.pk}/delete/").status_code == 403
    assert client.post(f"{TENANTS}{tenant_alpha.pk}/delete/", {"post": "yes"}).status_code == 403
    assert set(Tenant.objects.filter(pk__in=[tenant_alpha.pk, tenant_beta.pk]).values_list("status", flat=True)) == {
        Tenant.Status.ACTIVE}
    assert Domain.objects.filter(tenant=tenant_alpha, is_primary=True).exists()
    assert not AuditEvent.objects.filter(action__in=["tenant.deleted", "tenant.soft_deleted"]).exists()


def test_a_domain_is_deleted_through_the_service(tenant_alpha, hq_user):
    extra = Domain.objects.create(tenant=tenant_alpha, domain="alpha-extra.localhost", is_primary=False)
    client = hq_client()
    response = client.post(f"{DOMAINS}{extra.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert not Domain.objects.filter(pk=extra.pk).exists()
    event = AuditEvent.objects.get(action="tenant.domain_deleted", target_id=str(extra.pk))
    assert event.changes == {"domain": ["alpha-extra.localhost", None]} and event.tenant_slug == "alpha"
    assert event.actor_id == hq_user.pk


def test_the_primary_domain_is_not_deleted_from_its_page(tenant_alpha):
    primary = Domain.objects.get(tenant=tenant_alpha, is_primary=True)
    response = hq_client().post(f"{DOMAINS}{primary.pk}/delete/", {"post": "yes"})
    assert response.status_code == 409
    assert Domain.objects.filter(pk=primary.pk).exists()
    assert not AuditEvent.objects.filter(action="tenant.domain_deleted").exists()


def test_bulk_delete_of_domains_goes_through_the_service_and_keeps_the_primary(tenant_alpha, hq_user):
    primary = Domain.objects.get(tenant=tenant_alpha, is_primary=True)
    extra = Domain.objects.create(tenant=tenant_alpha, domain="alpha-extra.localhost", is_primary=False)
    response = run_action(hq_client(), DOMAINS, "delete_selected", [primary.pk, extra.pk], post="yes")
    assert response.status_code == 200
    assert Domain.objects.filter(pk=primary.pk).exists() and not Domain.objects.filter(pk=extra.pk).exists()
    assert f"{primary.domain}: " in " ".join(texts(response))  # the refusal, naming the domain
    assert list(AuditEvent.objects.filter(action="tenant.domain_deleted").values_list("target_id", flat=True)) == [
        str(extra.pk)]


def test_bulk_delete_of_domains_reports_only_what_it_deleted(tenant_alpha):
    primary = Domain.objects.get(tenant=tenant_alpha, is_primary=True)
    extra = Domain.objects.create(tenant=tenant_alpha, domain="alpha-extra.localhost", is_primary=False)
    response = run_action(hq_client(), DOMAINS, "delete_selected", [primary.pk, extra.pk], post="yes")
    assert not any("Successfully deleted 2" in text for text in texts(response)), texts(response)
