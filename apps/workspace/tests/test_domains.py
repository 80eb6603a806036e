"""The owner's custom domains: API `/api/v1/domains/` and the tenant admin's Settings >
Domains page, both through apps.tenants.domains (verification itself:
apps/tenants/tests/test_custom_domains.py)."""

import pytest

from apps.audit.models import AuditEvent
from apps.tenants.models import Domain
from tests.admin_pages import tenant_admin_client
from tests.workspace import api, make_staff

SHOP = "shop.alpha-example.org"


@pytest.fixture
def owner(db, settings):
    settings.CUSTOM_DOMAIN_CNAME_TARGET = "domains.platform.test"
    return api("alpha", "owner@alpha.test")


def test_the_owner_adds_lists_and_removes_a_custom_domain(owner, commit):
    listed = owner.get("/api/v1/domains/")
    assert listed.status_code == 200
    assert [(d["domain"], d["status"], d["dns_records"]) for d in listed.json()] == [
        ("alpha.localhost", "verified", [])]
    with commit():
        added = owner.post("/api/v1/domains/", {"domain": SHOP}, content_type="application/json")
    assert added.status_code == 201, added.content
    body = added.json()
    token = Domain.objects.get(domain=SHOP).verification_token
    assert (body["status"], body["status_label"]) == ("pending", "Waiting for DNS")
    assert body["dns_records"] == [
        {"type": "TXT", "name": f"_platform-verify.{SHOP}", "value": token},
        {"type": "CNAME", "name": SHOP, "value": "domains.platform.test"}]
    assert [d["domain"] for d in owner.get("/api/v1/domains/").json()] == ["alpha.localhost", SHOP]
    assert owner.get(f"/api/v1/domains/{body['id']}/").json()["domain"] == SHOP
    with commit():
        assert owner.delete(f"/api/v1/domains/{body['id']}/").status_code == 204
    assert not Domain.objects.filter(domain=SHOP).exists()
    actions = set(AuditEvent.objects.filter(tenant_slug="alpha", action__startswith="tenant.domain_")
                  .values_list("action", flat=True))
    assert actions == {"tenant.domain_added", "tenant.domain_deleted"}


def test_refusals_are_readable_errors(owner, tenant_beta):
    platform = owner.post("/api/v1/domains/", {"domain": "beta2.localhost"}, content_type="application/json")
    assert platform.status_code == 400 and platform.json()["error"]["code"] == "validation_error"
    assert "platform's own" in platform.json()["error"]["details"]["domain"][0]
    junk = owner.post("/api/v1/domains/", {"domain": "not a host"}, content_type="application/json")
    assert junk.status_code == 400
    primary = Domain.objects.get(domain="alpha.localhost")
    kept = owner.delete(f"/api/v1/domains/{primary.pk}/")
    assert kept.status_code == 409 and kept.json()["error"]["code"] == "primary_domain"
    # Another workspace's domain does not exist here.
    beta_domain = Domain.objects.get(domain="beta.localhost")
    assert owner.get(f"/api/v1/domains/{beta_domain.pk}/").status_code == 404
    assert owner.delete(f"/api/v1/domains/{beta_domain.pk}/").status_code == 404
    assert Domain.objects.filter(pk=beta_domain.pk).exists()


def test_staff_who_may_only_look_cannot_add_domains(db):
    make_staff("alpha", "manager@alpha.test", ["manager"])  # settings:view only
    manager = api("alpha", "manager@alpha.test")
    assert manager.get("/api/v1/domains/").status_code == 200
    refused = manager.post("/api/v1/domains/", {"domain": SHOP}, content_type="application/json")
    assert refused.status_code == 403
    assert not Domain.objects.filter(domain=SHOP).exists()


def test_the_tenant_admin_page_shows_the_dns_records_and_adds_through_the_service(db, commit, settings):
    settings.CUSTOM_DOMAIN_CNAME_TARGET = "domains.platform.test"
    client = tenant_admin_client("owner@alpha.test")
    page = client.get("/admin/tenants/domain/")
    assert page.status_code == 200
    assert "alpha.localhost" in page.content.decode() and "beta.localhost" not in page.content.decode()
    with commit():
        response = client.post("/admin/tenants/domain/add/", {"domain": SHOP})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    domain = Domain.objects.get(domain=SHOP)
    assert domain.tenant.slug == "alpha" and domain.status == Domain.Status.PENDING
    detail = client.get(f"/admin/tenants/domain/{domain.pk}/change/").content.decode()
    assert f"_platform-verify.{SHOP}" in detail and domain.verification_token in detail
    assert "domains.platform.test" in detail
    taken = client.post("/admin/tenants/domain/add/", {"domain": "beta.localhost"})
    assert taken.status_code == 200 and "platform" in taken.content.decode()
    primary = Domain.objects.get(domain="alpha.localhost")
    assert client.post(f"/admin/tenants/domain/{primary.pk}/delete/", {"post": "yes"}).status_code == 403
    with commit():
        assert client.post(f"/admin/tenants/domain/{domain.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Domain.objects.filter(pk=domain.pk).exists()
