"""Custom domains verified in DNS (apps.tenants.domains) against a local DNS server the
test starts (tests/dns_double.py): nothing of ours is patched, the resolver asks it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.tenants.domains import custom_domain_add, custom_domain_remove, domain_verify, domains_verify_all
from apps.tenants.models import Domain
from apps.tenants.routing import tenant_for_host
from tests.dns_double import DnsDouble

JSON = {"HTTP_ACCEPT": "application/json"}
SHOP = "shop.alpha-example.org"
TXT_NAME = f"_platform-verify.{SHOP}"


@pytest.fixture
def dns_server(settings):
    with DnsDouble() as server:
        settings.DNS_RESOLVERS = [server.address]
        settings.DNS_TIMEOUT_SECONDS = 2
        settings.ALLOWED_HOSTS = ["*"]  # custom domains: routing is what refuses unknown hosts
        yield server


def on(host: str) -> Client:
    return Client(HTTP_HOST=host, **JSON)


def ask(hostname: str):
    return Client(HTTP_HOST="localhost").get("/internal/tls/ask", {"domain": hostname})


def test_a_custom_domain_goes_from_pending_to_verified_and_then_routes(dns_server, tenant_alpha, owner_alpha,
                                                                        commit):
    with commit():
        domain = custom_domain_add(tenant=tenant_alpha, hostname=" Shop.Alpha-Example.org. ", actor=owner_alpha)
    assert (domain.domain, domain.status, domain.is_primary) == (SHOP, Domain.Status.PENDING, False)
    assert len(domain.verification_token) >= 30
    # Unverified: no route, no certificate.
    refused = on(SHOP).get("/api/v1/settings/")
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "tenant_not_found"
    assert ask(SHOP).status_code == 404
    # The check finds no record (the name does not exist): still pending.
    with commit():
        assert domain_verify(domain_id=domain.pk).status == Domain.Status.PENDING
    assert (TXT_NAME, "TXT") in dns_server.questions
    # A record with another token proves nothing.
    dns_server.set_txt(TXT_NAME, "someone-elses-token")
    with commit():
        assert domain_verify(domain_id=domain.pk).status == Domain.Status.PENDING
    dns_server.set_txt(TXT_NAME, "unrelated", domain.verification_token)
    with commit():
        verified = domain_verify(domain_id=domain.pk)
    assert verified.status == Domain.Status.VERIFIED and verified.verified_at and verified.checked_at
    assert tenant_for_host(SHOP).slug == "alpha"
    assert on(SHOP).get("/api/v1/auth/token/").status_code != 404  # the tenant API answers on it
    assert ask(SHOP).status_code == 200 and ask(SHOP).json() == {"domain": SHOP, "allowed": True}
    assert AuditEvent.objects.filter(action="tenant.domain_added", tenant_slug="alpha").exists()
    event = AuditEvent.objects.get(action="tenant.domain_verified", tenant_slug="alpha")
    assert event.changes == {"status": ["pending", "verified"]}


def test_a_domain_whose_record_disappears_fails_then_stops_routing_after_the_grace_period(
        dns_server, tenant_alpha, commit, settings):
    settings.DOMAIN_FAILING_GRACE_HOURS = 24
    with commit():
        domain = custom_domain_add(tenant=tenant_alpha, hostname=SHOP)
    dns_server.set_txt(TXT_NAME, domain.verification_token)
    with commit():
        assert domains_verify_all() == {"verified": 1}
    dns_server.remove(TXT_NAME)
    with commit():
        failing = domain_verify(domain_id=domain.pk)
    assert failing.status == Domain.Status.FAILING and failing.failing_since
    assert on(SHOP).get("/").status_code != 404  # still routing during the grace period
    with commit():
        assert domain_verify(domain_id=domain.pk).status == Domain.Status.FAILING  # grace not over
    Domain.objects.filter(pk=domain.pk).update(failing_since=timezone.now() - timedelta(hours=25))
    with commit():
        assert domain_verify(domain_id=domain.pk).status == Domain.Status.DISABLED
    assert on(SHOP).get("/api/v1/settings/").status_code == 404
    assert ask(SHOP).status_code == 404
    assert [e.action for e in AuditEvent.objects.filter(tenant_slug="alpha",
                                                       action__startswith="tenant.domain_").order_by("seq")] == [
        "tenant.domain_added", "tenant.domain_verified", "tenant.domain_failing", "tenant.domain_disabled"]
    # The record comes back: verified again, routing again.
    dns_server.set_txt(TXT_NAME, domain.verification_token)
    with commit():
        assert domain_verify(domain_id=domain.pk).status == Domain.Status.VERIFIED
    assert tenant_for_host(SHOP).slug == "alpha"


def test_a_failing_record_comes_back_within_the_grace_period(dns_server, tenant_alpha, commit):
    with commit():
        domain = custom_domain_add(tenant=tenant_alpha, hostname=SHOP)
    dns_server.set_txt(TXT_NAME, domain.verification_token)
    with commit():
        domain_verify(domain_id=domain.pk)
    dns_server.remove(TXT_NAME)
    with commit():
        domain_verify(domain_id=domain.pk)
    dns_server.set_txt(TXT_NAME, domain.verification_token)
    with commit():
        back = domain_verify(domain_id=domain.pk)
    assert back.status == Domain.Status.VERIFIED and back.failing_since is None


def test_no_answer_from_dns_changes_nothing(tenant_alpha, commit, settings):
    with DnsDouble() as stopped:
        port = stopped.port
    settings.DNS_RESOLVERS = [f"127.0.0.1:{port}"]  # nobody answers there any more
    settings.DNS_TIMEOUT_SECONDS = 0.3
    with commit():
        domain = custom_domain_add(tenant=tenant_alpha, hostname=SHOP)
    Domain.objects.filter(pk=domain.pk).update(status=Domain.Status.VERIFIED)
    with commit():
        unchanged = domain_verify(domain_id=domain.pk)
    assert unchanged.status == Domain.Status.VERIFIED and unchanged.checked_at is None


def test_platform_subdomains_always_route_and_need_no_proof(tenant_alpha, dns_server, commit):
    primary = Domain.objects.get(tenant=tenant_alpha, is_primary=True)
    assert primary.status == Domain.Status.VERIFIED
    with commit():
        assert domain_verify(domain_id=primary.pk).status == Domain.Status.VERIFIED
    assert dns_server.questions == []  # never looked up
    assert on("alpha.localhost").get("/").status_code == 200


def test_the_tls_ask_answers_yes_only_for_served_hosts(tenant_alpha, dns_server, commit):
    with commit():
        custom_domain_add(tenant=tenant_alpha, hostname=SHOP)
    assert ask("localhost").status_code == 200
    assert ask("api.localhost").status_code == 200
    assert ask("alpha.localhost").status_code == 200
    assert ask("nobody.localhost").status_code == 404
    assert ask("unknown.example.net").json()["error"]["code"] == "domain_not_served"
    assert ask(SHOP).status_code == 404  # pending
    missing = Client(HTTP_HOST="localhost").get("/internal/tls/ask")
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "domain_required"
    # Reachable on any host: the proxy may ask with whatever host it is configured with.
    on_alpha = Client(HTTP_HOST="alpha.localhost").get("/internal/tls/ask", {"domain": "alpha.localhost"})
    assert on_alpha.status_code == 200


@pytest.mark.parametrize("hostname, code", [
    ("alpha2.localhost", "reserved"), ("localhost", "invalid"), ("not a host", "invalid"),
    ("beta.localhost", "reserved")])
def test_an_owner_cannot_claim_platform_addresses_or_junk(tenant_alpha, hostname, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        custom_domain_add(tenant=tenant_alpha, hostname=hostname)
    assert raised.value.error_dict["domain"][0].code == code


def test_a_domain_is_taken_once_and_removed_by_its_service(tenant_alpha, tenant_beta, commit):
    from django.core.exceptions import ValidationError

    with commit():
        domain = custom_domain_add(tenant=tenant_alpha, hostname=SHOP)
    with pytest.raises(ValidationError):
        custom_domain_add(tenant=tenant_beta, hostname=SHOP)
    with commit():
        custom_domain_remove(domain=domain)
    assert not Domain.objects.filter(domain=SHOP).exists()
    assert AuditEvent.objects.filter(action="tenant.domain_deleted", tenant_slug="alpha").exists()
