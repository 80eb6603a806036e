"""Custom domains: an owner (or HQ) adds a host name, proves control of it with a TXT
record `_platform-verify.<domain>` carrying the domain's token, and points it at the
platform with a CNAME. Only a verified domain routes (apps.tenants.routing); the periodic
check (tasks.verify_domains) moves a domain whose record disappeared to `failing` (it
still routes) and, after DOMAIN_FAILING_GRACE_HOURS, to `disabled`. The platform's own
subdomains need no proof: they are verified from the start and always route."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record

from .api_host import api_host
from .dns import DnsUnavailable, token_published, verification_record_name
from .errors import PrimaryDomain, PublicTenantProtected
from .models import Domain, Tenant
from .routing import is_platform_host, routing_forget, tenant_for_host

logger = logging.getLogger(__name__)

S = Domain.Status
HOSTNAME = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
# Statuses the periodic check looks at (a disabled domain too: it comes back when its
# record does).
CHECKED_STATUSES = (S.PENDING, S.VERIFIED, S.FAILING, S.DISABLED)


def cname_target() -> str:
    return settings.CUSTOM_DOMAIN_CNAME_TARGET or f"domains.{settings.BASE_DOMAIN}"


def domain_dns_records(domain: Domain) -> list[dict]:
    """What the owner publishes in DNS (none for the platform's own subdomains)."""
    if is_platform_host(domain.domain):
        return []
    return [{"type": "TXT", "name": verification_record_name(domain.domain), "value": domain.verification_token},
            {"type": "CNAME", "name": domain.domain, "value": cname_target()}]


def validate_custom_hostname(hostname: str) -> str:
    hostname = (hostname or "").strip().lower().rstrip(".")
    if not HOSTNAME.match(hostname):
        raise ValidationError({"domain": ValidationError(_("Enter a host name such as shop.example.com."),
                                                         code="invalid")})
    if is_platform_host(hostname):
        raise ValidationError({"domain": ValidationError(_("Addresses under %(base)s are the platform's own.")
                                                         % {"base": settings.BASE_DOMAIN}, code="reserved")})
    if Domain.objects.filter(domain=hostname).exists():
        raise ValidationError({"domain": ValidationError(_("This domain is already in use."), code="taken")})
    return hostname


def custom_domain_add(*, tenant: Tenant, hostname: str, actor=None) -> Domain:
    """Record a custom domain (pending until its TXT record is found) and check it at once
    after commit. The caller has checked the actor may change the workspace's settings."""
    if tenant.is_public:
        raise PublicTenantProtected(PublicTenantProtected.domain_message)
    hostname = validate_custom_hostname(hostname)
    with transaction.atomic():
        domain = Domain.objects.create(domain=hostname, tenant=tenant, is_primary=False, status=S.PENDING)
        routing_forget(tenant_ids=[tenant.pk], hosts=[hostname])
        audit_record(action="tenant.domain_added", actor=actor, target=domain, tenant=tenant,
                     changes={"domain": [None, hostname]}, metadata={"status": domain.status})
        _queue_check(domain)
    return domain


def custom_domain_remove(*, domain: Domain, actor=None) -> None:
    """An owner removes one of the workspace's custom domains (not the platform's subdomain)."""
    if domain.is_primary or is_platform_host(domain.domain):
        raise PrimaryDomain()
    with transaction.atomic():
        audit_record(action="tenant.domain_deleted", actor=actor, target=domain, tenant=domain.tenant,
                     changes={"domain": [domain.domain, None]})
        routing_forget(tenant_ids=[domain.tenant_id], hosts=[domain.domain])
        domain.delete()


def _queue_check(domain: Domain) -> None:
    from .tasks import verify_domain

    transaction.on_commit(lambda: verify_domain.delay(domain.pk), robust=True)


def domain_verify(*, domain_id: int) -> Domain | None:
    """Look the domain's TXT record up once and move its status: found -> verified; missing
    on a verified domain -> failing; failing past the grace period -> disabled. No answer
    from DNS changes nothing (a resolver outage must not take domains down)."""
    domain = Domain.objects.filter(pk=domain_id).select_related("tenant").first()
    if domain is None or is_platform_host(domain.domain):
        return domain
    try:
        found = token_published(domain.domain, domain.verification_token)
    except DnsUnavailable:
        return domain
    now = timezone.now()
    with transaction.atomic():
        domain = Domain.objects.select_for_update().select_related("tenant").filter(pk=domain_id).first()
        if domain is None:
            return None
        before = domain.status
        fields = {"checked_at": now}
        if found:
            fields.update(status=S.VERIFIED, failing_since=None)
            if before != S.VERIFIED:
                fields["verified_at"] = now
        elif before == S.VERIFIED:
            fields.update(status=S.FAILING, failing_since=now)
        elif before == S.FAILING and domain.failing_since and (
                now - domain.failing_since >= timedelta(hours=settings.DOMAIN_FAILING_GRACE_HOURS)):
            fields["status"] = S.DISABLED
        for name, value in fields.items():
            setattr(domain, name, value)
        domain.save(update_fields=list(fields))
        if domain.status != before:
            routing_forget(tenant_ids=[domain.tenant_id], hosts=[domain.domain])
            audit_record(action=f"tenant.domain_{domain.status}", target=domain, tenant=domain.tenant,
                         changes={"status": [before, domain.status]}, metadata={"domain": domain.domain})
            logger.info("domain %s: %s -> %s", domain.domain, before, domain.status)
    return domain


def domains_verify_all() -> dict[str, int]:
    """Beat: check every custom domain once; returns the count per resulting status."""
    counts: dict[str, int] = {}
    ids = (Domain.objects.filter(status__in=CHECKED_STATUSES).exclude(tenant__schema_name=settings.PUBLIC_SCHEMA_NAME)
           .exclude(tenant__status__in=[Tenant.Status.DELETED, Tenant.Status.PURGED])
           .order_by("checked_at", "pk").values_list("pk", "domain"))
    for pk, hostname in ids:
        if is_platform_host(hostname):
            continue
        domain = domain_verify(domain_id=pk)
        if domain is not None:
            counts[domain.status] = counts.get(domain.status, 0) + 1
    return counts


def tls_may_issue(hostname: str) -> bool:
    """Caddy's on-demand TLS question: only the platform's own names and the hosts that
    route to a workspace (verified custom domains) get a certificate. From the routing
    cache: no query in the steady state."""
    hostname = (hostname or "").strip().lower().rstrip(".")
    if not hostname:
        return False
    if hostname in (settings.BASE_DOMAIN.lower(), api_host()):
        return True
    tenant = tenant_for_host(hostname)
    return tenant is not None and tenant.status not in (Tenant.Status.DELETED, Tenant.Status.PURGED)
