"""The `tenant` label of the per-tenant counters, and how its values stay bounded.

Each tenant label value is a set of series per counter (four status classes for the
requests): at 10,000 tenants, labelling every one would mean tens of thousands of series,
read from every process's file at each scrape and kept by Prometheus. So at most
METRICS_TENANT_LABELS tenants (default 1000; 0: none) get their own label value; requests
and tasks of every other tenant count under `tenant="other"`. Besides the tenants: "public"
(the platform's own host) and "none" (no tenant: refused hosts, health checks, /metrics).
The totals stay exact; only the breakdown is capped.

Which tenants: the first ones seen since the metrics were reset (the server started), a
choice every process of the server shares, kept in `tenant-labels.txt` beside the samples
(apps.core.metrics.labels, which says why a per-process cap would not do).

The trade-off: first come, not the busiest. Busy tenants are usually among the first seen
after a restart; a tenant in "other" gets its own label at the next restart if it is then
among the first, or always with a higher METRICS_TENANT_LABELS. A single tenant's exact
numbers are in the logs anyway (every request's line carries its tenant).
"""

from __future__ import annotations

from django.conf import settings

from .labels import BoundedLabels

PUBLIC, NONE = "public", "none"
LABELS_FILE = "tenant-labels.txt"
_tenants = BoundedLabels(LABELS_FILE, "METRICS_TENANT_LABELS")


def tenant_label(slug: str | None) -> str:
    """The label value for the tenant `slug` (None: no tenant)."""
    return _tenants.label(slug) if slug else NONE


def tenant_label_for(tenant) -> str:
    """The label for a Tenant (or django-tenants' FakeTenant, or None)."""
    if tenant is None:
        return NONE
    if tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return PUBLIC
    return tenant_label(getattr(tenant, "slug", None) or tenant.schema_name)


def status_class(status: int) -> str:
    return f"{status // 100}xx" if 100 <= status < 600 else "other"


def forget() -> None:
    """Forget this process's choices (tests that change METRICS_TENANT_LABELS)."""
    _tenants.forget()
