"""Reads for the portal: a tenant's recent backups and restores, with live progress."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext

from apps.tenants.models import Tenant

from .models import Backup, Restore
from .progress import progress_get

ROWS = 20


def _with_progress(jobs, kind: str) -> list:
    progress = progress_get(kind, [job.pk for job in jobs if job.running])
    for job in jobs:
        done, total = progress.get(job.pk, (job.tables_done, job.tables_total))
        job.done, job.total = done, total
        job.percent = int(done * 100 / total) if total else (100 if job.status == job.Status.SUCCEEDED else 0)
    return jobs


def tenant_backups(tenant: Tenant) -> dict:
    backups = list(Backup.objects.filter(tenant=tenant).select_related("requested_by")[:ROWS])
    # restores into this tenant, and copies made from its backups (their tenant is the copy)
    restores = list(Restore.objects.filter(Q(tenant=tenant) | Q(backup__tenant=tenant))
                    .select_related("requested_by", "backup")[:ROWS])
    _with_progress(backups, "backup")
    _with_progress(restores, "restore")
    return {"backups": backups, "restores": restores,
            "running": any(job.running for job in [*backups, *restores]),
            "count": Backup.objects.filter(tenant=tenant).count()}


def progress_payload(tenant: Tenant) -> dict:
    """What the tab polls while something runs (plain values)."""
    data = tenant_backups(tenant)
    jobs = [*(("backup", job) for job in data["backups"]), *(("restore", job) for job in data["restores"])]
    return {"running": data["running"],
            "jobs": [{"kind": kind, "id": job.pk, "status": job.status, "label": job.get_status_display(),
                      "done": job.done, "total": job.total, "percent": job.percent,
                      "count": (gettext("%(done)s of %(total)s tables") % {"done": job.done, "total": job.total}
                                if job.total else gettext("Waiting for a worker"))}
                     for kind, job in jobs]}
