"""A custom domain verified by the real Celery worker, which asks the session's local DNS
server (tests/plugin.py `worker_dns`): adding the domain queues its check; nothing is
published yet, so it stays pending and does not route; once the TXT record is there, the
check the owner asks for again (the beat does the same) verifies it and the domain routes to
its workspace and gets a "yes" from the TLS ask."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.tenants.models import Domain
from tests.plugin import wait_for

pytestmark = pytest.mark.worker

SHOP = "shop.worker-example.org"


def _status(domain_id: int) -> str | None:
    row = Domain.objects.filter(pk=domain_id).values_list("status", "checked_at").first()
    return row and row[1] and row[0]  # once checked


def test_the_worker_verifies_a_domain_against_dns_and_then_it_routes(committed, celery_worker_process, worker_dns,
                                                                      settings):
    from apps.accounts.models import User
    from apps.tenants.domains import custom_domain_add, custom_domain_remove
    from apps.tenants.models import Tenant
    from apps.tenants.tasks import verify_domain

    settings.ALLOWED_HOSTS = ["*"]  # custom domains: routing is what refuses unknown hosts
    alpha = Tenant.objects.get(slug="alpha")
    owner = User.objects.get(email="owner@alpha.test")
    domain = custom_domain_add(tenant=alpha, hostname=SHOP, actor=owner)  # queues the check on commit
    try:
        assert wait_for(lambda: _status(domain.pk), "the worker's first check", seconds=60) == Domain.Status.PENDING
        assert (f"_platform-verify.{SHOP}", "TXT") in worker_dns.questions
        refused = Client(HTTP_HOST=SHOP, HTTP_ACCEPT="application/json").get("/api/v1/settings/")
        assert refused.status_code == 404

        worker_dns.set_txt(f"_platform-verify.{SHOP}", domain.verification_token)
        verify_domain.delay(domain.pk)
        wait_for(lambda: Domain.objects.get(pk=domain.pk).status == Domain.Status.VERIFIED,
                 "the worker to verify the domain", seconds=60)
        routed = Client(HTTP_HOST=SHOP, HTTP_ACCEPT="application/json").get("/admin/login/")
        assert routed.status_code == 200 and "Alpha Academy" in routed.content.decode()
        ask = Client(HTTP_HOST="localhost").get("/internal/tls/ask", {"domain": SHOP})
        assert ask.status_code == 200 and ask.json()["allowed"] is True
    finally:
        worker_dns.remove(f"_platform-verify.{SHOP}")
        custom_domain_remove(domain=Domain.objects.get(pk=domain.pk), actor=owner)
