"""A tenant's last activity (the latest authenticated request or login), kept on its row.

The request path records it in Redis (apps.core.activity: at most a write a minute per
process); beat copies it here every few minutes, so that the ops portal can list and sort
tenants by it without Redis, and a flushed time survives Redis losing its keys."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from apps.core.activity import last_activity

from .models import Tenant

CHUNK = 1000  # tenants per Redis MGET


def last_activity_flush() -> int:
    """Copy newer activity times from Redis to the tenant rows. Returns how many changed."""
    changed = 0
    ids = list(Tenant.objects.exclude(status__in=[Tenant.Status.PURGED]).values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        for tenant_id, when in last_activity(tenant_ids=ids[start:start + CHUNK]).items():
            changed += Tenant.objects.filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=when),
                                             pk=tenant_id).update(last_activity_at=when)
    return changed


def tenant_last_activity(tenant: Tenant) -> dt.datetime | None:
    """The tenant's last activity: what was flushed to its row, or newer in Redis."""
    recorded = last_activity(tenant_ids=[tenant.pk]).get(tenant.pk)
    known = [when for when in (tenant.last_activity_at, recorded) if when is not None]
    return max(known) if known else None


def tenants_last_activity(tenants) -> dict[int, dt.datetime | None]:
    """The same for a page of tenants (one MGET)."""
    tenants = list(tenants)
    recorded = last_activity(tenant_ids=[t.pk for t in tenants])
    result = {}
    for tenant in tenants:
        known = [when for when in (tenant.last_activity_at, recorded.get(tenant.pk)) if when is not None]
        result[tenant.pk] = max(known) if known else None
    return result
