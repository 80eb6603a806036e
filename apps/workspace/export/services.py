"""Exports: asked for (audited), built by a Celery task (or at once for one customer),
downloaded through a signed link that names the export and the workspace and expires
(settings.EXPORT_LINK_MAX_AGE after it was issued), pruned after EXPORT_RETENTION_DAYS."""

from __future__ import annotations

import hashlib
import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.core.datasets import datasets
from apps.rbac.tenancy import current_tenant

from ..errors import ExportGone, ExportInProgress, ExportLinkExpired, ExportLinkInvalid, ExportNotReady
from .archive import archive_write
from .models import DataExport

logger = logging.getLogger(__name__)

LINK_SALT = "workspace.export.download"
# A build not finished after this long died with its worker: it no longer blocks a new one.
STALE_AFTER = timedelta(hours=6)
IN_PROGRESS = (DataExport.Status.PENDING, DataExport.Status.RUNNING)


def exports_folder(schema: str) -> Path:
    return Path(settings.EXPORTS_ROOT) / schema


def export_path(export: DataExport) -> Path:
    return Path(settings.EXPORTS_ROOT) / export.file_name


def _meta(export: DataExport) -> dict:
    tenant = current_tenant()
    return {"workspace": tenant.slug, "workspace_name": tenant.name, "kind": export.kind,
            "export_id": str(export.public_id), "customer_id": export.subject_id,
            "generated_at": timezone.now().isoformat()}


def _write(export: DataExport) -> dict:
    """The zip of `export` at its path (the partial file removed on failure)."""
    path = export_path(export)
    path.parent.mkdir(parents=True, exist_ok=True)
    personal = export.kind == DataExport.Kind.PERSONAL
    try:
        return archive_write(path, sets=datasets(personal=personal), meta=_meta(export),
                             customer_id=export.subject_id if personal else None)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _snapshot_write(export: DataExport) -> dict:
    """Every dataset read in one snapshot (REPEATABLE READ, read only): an order and its
    lines agree even while the workspace keeps working during a long export."""
    if connection.in_atomic_block:  # a caller's transaction (tests): read in it
        return _write(export)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _write(export)


def _file_facts(export: DataExport, manifest: dict) -> dict:
    path = export_path(export)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest(),
            "row_counts": {key: entry["rows"] for key, entry in manifest["datasets"].items()},
            "expires_at": timezone.now() + timedelta(days=settings.EXPORT_RETENTION_DAYS)}


def export_in_progress() -> DataExport | None:
    return (DataExport.objects.filter(kind=DataExport.Kind.WORKSPACE, status__in=IN_PROGRESS,
                                      created_at__gte=timezone.now() - STALE_AFTER).first())


def export_request(*, actor) -> DataExport:
    """Ask for an export of the whole workspace: built by a worker once this commits."""
    from ..tasks import export_build_task

    with transaction.atomic(durable=True):
        # one at a time per workspace: the lock makes two simultaneous requests queue here
        list(DataExport.objects.select_for_update().filter(kind=DataExport.Kind.WORKSPACE, status__in=IN_PROGRESS))
        if export_in_progress() is not None:
            raise ExportInProgress()
        export = DataExport.objects.create(kind=DataExport.Kind.WORKSPACE, requested_by=actor)
        export.file_name = f"{connection.schema_name}/{export.public_id}.zip"
        export.save(update_fields=["file_name"])
        audit_record(action="workspace.export_requested", actor=actor, target=export, tenant=current_tenant())
        export_id = export.pk
        transaction.on_commit(lambda: export_build_task.delay(export_id), robust=True)
    return export


def export_build(*, export_id: int) -> DataExport | None:
    """Build a requested export (the task's work). Idempotent: an export already built,
    failed or being built by another worker is left alone."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update(skip_locked=True).filter(pk=export_id).first()
        if export is None or export.status != DataExport.Status.PENDING:
            return export
        export.status, export.started_at = DataExport.Status.RUNNING, timezone.now()
        export.save(update_fields=["status", "started_at"])
    try:
        manifest = _snapshot_write(export)
        facts = _file_facts(export, manifest)
    except Exception as exc:  # noqa: BLE001 - recorded on the export, shown to its owner
        logger.exception("workspace export %s failed", export.pk)
        with transaction.atomic():
            DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.FAILED, error=str(exc)[:2000],
                                                           finished_at=timezone.now())
            audit_record(action="workspace.export_failed", target=export, tenant=current_tenant(),
                         metadata={"error": type(exc).__name__})
        export.refresh_from_db()
        return export
    with transaction.atomic():
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.READY, finished_at=timezone.now(),
                                                       **facts)
        audit_record(action="workspace.export_ready", target=export, tenant=current_tenant(),
                     metadata={"rows": sum(facts["row_counts"].values()), "bytes": facts["size"]})
    export.refresh_from_db()
    return export


def personal_export_create(*, actor, customer_id: int, customer_label: str) -> DataExport:
    """Everything the workspace holds about one customer, built now (a customer's rows are
    few): the file, then the export row and its audit event together."""
    export = DataExport(kind=DataExport.Kind.PERSONAL, status=DataExport.Status.RUNNING, requested_by=actor,
                        subject_id=customer_id, subject_repr=customer_label[:200], started_at=timezone.now())
    export.file_name = f"{connection.schema_name}/{export.public_id}.zip"
    manifest = _snapshot_write(export)
    try:
        facts = _file_facts(export, manifest)
        with transaction.atomic():
            for name, value in facts.items():
                setattr(export, name, value)
            export.status, export.finished_at = DataExport.Status.READY, timezone.now()
            export.save()
            audit_record(action="workspace.personal_data_exported", actor=actor, target=export,
                         tenant=current_tenant(), metadata={"customer_id": customer_id,
                                                            "rows": sum(facts["row_counts"].values())})
    except BaseException:
        export_path(export).unlink(missing_ok=True)
        raise
    return export


# --- The download link -------------------------------------------------------------------


def export_token(export: DataExport) -> str:
    """A signed token naming the export and its workspace, stamped with the time it was issued."""
    return signing.dumps({"x": str(export.public_id), "s": connection.schema_name}, salt=LINK_SALT)


def export_link_path(export: DataExport) -> str:
    from django.urls import reverse

    return reverse("workspace-export-download", args=[export_token(export)])


def export_for_token(token: str) -> DataExport:
    """The ready export a link names, in this workspace, while the link is fresh."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=settings.EXPORT_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ExportLinkExpired() from None
    except signing.BadSignature:
        raise ExportLinkInvalid() from None
    if not isinstance(data, dict) or data.get("s") != connection.schema_name:
        raise ExportLinkInvalid()  # another workspace's link
    export = DataExport.objects.filter(public_id=data.get("x")).first()
    if export is None:
        raise ExportGone()
    if export.status in IN_PROGRESS:
        raise ExportNotReady()
    if (export.status != DataExport.Status.READY or (export.expires_at and export.expires_at <= timezone.now())
            or not export_path(export).is_file()):
        raise ExportGone()
    return export


def export_download_name(export: DataExport) -> str:
    stamp = f"{export.created_at:%Y%m%d-%H%M}"
    slug = current_tenant().slug
    if export.kind == DataExport.Kind.PERSONAL:
        return f"{slug}-personal-data-{export.subject_id}-{stamp}.zip"
    return f"{slug}-export-{stamp}.zip"


def export_downloaded(*, export: DataExport, actor) -> None:
    audit_record(action="workspace.export_downloaded", actor=actor, target=export, tenant=current_tenant(),
                 metadata={"kind": export.kind})


# --- Pruning -----------------------------------------------------------------------------


def exports_prune(*, now=None) -> dict:
    """In the current workspace: files past their day removed (the rows stay, expired, as
    the history of who exported what); builds that died marked failed; files that no row
    names (a build killed midway) removed once a day old."""
    now = now or timezone.now()
    expired = 0
    for export in DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now):
        export_path(export).unlink(missing_ok=True)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.EXPIRED)
        expired += 1
    stale = DataExport.objects.filter(status__in=IN_PROGRESS, created_at__lt=now - STALE_AFTER).update(
        status=DataExport.Status.FAILED, error="The build did not finish.", finished_at=now)
    folder = exports_folder(connection.schema_name)
    kept = set(DataExport.objects.filter(status__in=[*IN_PROGRESS, DataExport.Status.READY])
               .values_list("file_name", flat=True))
    orphans = 0
    if folder.is_dir():
        for entry in os.scandir(folder):
            name = f"{connection.schema_name}/{entry.name}"
            if name not in kept and entry.is_file() and entry.stat().st_mtime < (now - timedelta(days=1)).timestamp():
                os.remove(entry.path)
                orphans += 1
    return {"expired": expired, "stale": stale, "orphans": orphans} if expired or stale or orphans else {}
