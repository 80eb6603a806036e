"""Host -> tenant lookup with a cache, so that a steady-state request spends no query on
routing. Entries are dropped whenever a tenant or one of its domains changes."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from .models import Domain, Tenant

_MISSING = "missing"


def _key(hostname: str) -> str:
    return f"tenants:host:{hostname.lower()}"


def tenant_for_host(hostname: str) -> Tenant | None:
    key = _key(hostname)
    cached = cache.get(key)
    if cached == _MISSING:
        return None
    if cached is not None:
        return cached
    domain = Domain.objects.select_related("tenant", "tenant__plan").filter(domain=hostname.lower()).first()
    tenant = domain.tenant if domain else None
    # Unknown hosts are cached briefly too, so that junk hosts can't hammer the database.
    timeout = settings.TENANT_ROUTING_CACHE_SECONDS if tenant else 30
    cache.set(key, tenant if tenant else _MISSING, timeout)
    return tenant


def forget_hosts(hostnames) -> None:
    cache.delete_many([_key(h) for h in hostnames])

