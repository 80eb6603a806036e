"""The `tenant` label of the per-tenant counters, and how its values stay bounded.

Each tenant label value is a set of series per counter (four status classes for the
requests): at 10,000 tenants, labelling every one would mean tens of thousands of series,
read from every process's file at each scrape and kept by Prometheus. So at most
METRICS_TENANT_LABELS tenants (default 1000; 0: none) get their own label value; requests
and tasks of every other tenant count under `tenant="other"`. Besides the tenants: "public"
(the platform's own host) and "none" (no tenant: refused hosts, health checks, /metrics).
The totals stay exact; only the breakdown is capped.

Which tenants: the first ones seen since the metrics were reset (the server started), a
choice every process of the server shares. A per-process cap would not bound anything in
multiprocess mode: a dead worker's files (gunicorn replaces workers every WEB_MAX_REQUESTS)
are kept and summed, and each new worker would pick tenants of its own. The choice is kept
in `tenant-labels.txt` in the multiprocess directory, beside the samples, emptied with
them; a process reads it once per tenant it has not seen yet (under a file lock, appending
when there is room) and remembers the answer. Without a multiprocess directory (one
process: development, tests) the choice lives in the process.

The trade-off: first come, not the busiest. Busy tenants are usually among the first seen
after a restart; a tenant in "other" gets its own label at the next restart if it is then
among the first, or always with a higher METRICS_TENANT_LABELS. A single tenant's exact
numbers are in the logs anyway (every request's line carries its tenant).
"""

from __future__ import annotations

import fcntl
import os
import threading

from django.conf import settings

OTHER, PUBLIC, NONE = "other", "public", "none"
LABELS_FILE = "tenant-labels.txt"

_lock = threading.Lock()
_decided: dict[str, str] = {}  # slug -> label, final once decided
_chosen: set[str] = set()  # the tenants labelled, as last read (or, without a directory, chosen here)


def tenant_label(slug: str | None) -> str:
    """The label value for the tenant `slug` (None: no tenant)."""
    if not slug:
        return NONE
    label = _decided.get(slug)
    if label is None:
        with _lock:
            label = _decided.get(slug) or _decide(slug)
            _decided[slug] = label
    return label


def _decide(slug: str) -> str:
    limit = settings.METRICS_TENANT_LABELS
    if limit <= 0:
        return OTHER
    if slug in _chosen:
        return slug
    if len(_chosen) >= limit:  # full: the file only grows, so nothing to read
        return OTHER
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        _chosen.add(slug)
        return slug
    with open(os.path.join(directory, LABELS_FILE), "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when closed
        handle.seek(0)
        _chosen.update(handle.read().split())
        if slug in _chosen:
            return slug
        if len(_chosen) >= limit:
            return OTHER
        handle.write(f"{slug}\n")
        handle.flush()
    _chosen.add(slug)
    return slug


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
    with _lock:
        _decided.clear()
        _chosen.clear()
