"""Host -> tenant lookup with a cache, so that a steady-state request spends no query on
routing, and most spend no Redis round trip either: a process trusts the routing it read
for TENANT_ROUTING_LOCAL_SECONDS (apps.core.cache `fresh_for`; a change committed in
another process reaches this one within that time, one committed here at once).

The cache holds plain values (the tenant's routing fields) under the scopes
`host:<hostname>` and `tenant:<id>` (apps.core.cache). Whatever changes a tenant or its
domains calls `routing_forget`, which bumps those scopes when its transaction commits.
Each request gets a fresh Tenant built from the cached values, as if loaded with
`.only(*ROUTING_FIELDS)`: reading another field loads it from the database, and `save()`
would write only the routing fields."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from apps.core.cache import bump, keep_local_from_redis, scope, versioned_get_or_build

from .models import ROUTING_DOMAIN_STATUSES, Domain, Tenant

logger = logging.getLogger(__name__)

# What a request needs of its tenant: routing, the schema, refusals, flag rules, the
# admin's header, invites and demo banners. (Not the plan: the subscription owns it.)
ROUTING_FIELDS = tuple(field.attname for field in Tenant._meta.concrete_fields if field.attname in {
    "id", "schema_name", "slug", "name", "business_type", "kind", "status", "owner_id", "locale", "timezone",
    "demo_expires_at"})  # in the model's order, as Model.from_db wants them
# Unknown hosts are cached briefly, so that junk hosts can't hammer the database.
_UNKNOWN_HOST_SECONDS = 30


def _entry_name(hostname: str) -> str:
    return f"tenants:host:{hostname}"


def is_platform_host(hostname: str) -> bool:
    """The platform's own address or one of its subdomains (ours in DNS: no proof needed)."""
    base = settings.BASE_DOMAIN.lower()
    hostname = hostname.lower()
    return hostname == base or hostname.endswith(f".{base}")


def _load(hostname: str) -> dict | None:
    if is_platform_host(hostname):
        rows = Tenant.objects.filter(domains__domain=hostname)
    else:  # a custom domain routes only while verified (or failing, in its grace period)
        rows = Tenant.objects.filter(domains__domain=hostname, domains__status__in=ROUTING_DOMAIN_STATUSES)
    return rows.values(*ROUTING_FIELDS).first()


def _timeout(row: dict | None) -> int:
    return settings.TENANT_ROUTING_CACHE_SECONDS if row else _UNKNOWN_HOST_SECONDS


def _tenant_scopes(row: dict | None) -> list[str]:
    return [scope("tenant", row["id"])] if row else []


def tenant_for_host(hostname: str) -> Tenant | None:
    """The tenant served at `hostname` (any status), or None."""
    hostname = hostname.lower()
    row = versioned_get_or_build(_entry_name(hostname), [scope("host", hostname)], lambda: _load(hostname),
                                 _timeout, depends_on=_tenant_scopes, local=True,
                                 fresh_for=settings.TENANT_ROUTING_LOCAL_SECONDS)
    if row is None:
        return None
    return Tenant.from_db(DEFAULT_DB_ALIAS, list(ROUTING_FIELDS), [row[name] for name in ROUTING_FIELDS])


def routing_forget(*, tenant_ids=(), hosts=()) -> None:
    """Routing of these tenants (any of their hosts) and of these host names changes when
    the current transaction commits."""
    bump(*[scope("tenant", pk) for pk in tenant_ids if pk is not None],
         *[scope("host", host.lower()) for host in hosts if host])


def routing_preload() -> int:
    """Bring the routing of the tenants' hosts, and their plan limits, that Redis holds into
    this process (apps.core.cache `keep_local_from_redis`): a web worker's start
    (platform_/wsgi.py, TENANT_ROUTING_PRELOAD). With thousands of tenants most requests
    of a new worker would otherwise be the first of their tenant there, each reading its
    routing from Redis (two MGETs; 10,000 tenants: tests/perf/soak_tenants.py). Up to half
    of CACHE_LOCAL_MAX_ENTRIES hosts (a host's routing and its tenant's plan limits are
    two values), the newest domains first. Returns how many values were kept."""
    started = time.perf_counter()
    newest = Domain.objects.order_by("-pk").values_list("domain", flat=True)
    hosts = list(newest[:settings.CACHE_LOCAL_MAX_ENTRIES // 2])
    kept = keep_local_from_redis([_entry_name(host.lower()) for host in hosts])
    logger.info("routing of %d hosts read: %d values kept in the process in %.0f ms",
                len(hosts), kept, (time.perf_counter() - started) * 1000)
    return kept
