"""Backups and restores of one tenant: the records (Backup, Restore), who may ask, the
audit events, and the work itself (apps.backups.dump, apps.backups.load), used by the
commands (synchronously), the portal and beat (through the tasks).

The audit chains are never rewritten: a restore appends `backup.restored` to the
tenant's chain (the events after the backup's time stay, and say what happened); a copy
starts a chain of its own. A restore into the same tenant takes a backup of the current
state first (kind `pre_restore`), so it can be undone the same way."""

from __future__ import annotations

import logging
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_tenants.utils import schema_exists

from apps.accounts.models import Membership, User
from apps.accounts.services import members_changed
from apps.audit.services import audit_record
from apps.billing.models import Plan
from apps.billing.subscriptions import provisioning_start_subscription
from apps.core.cache import bump, scope
from apps.core.errors import PlatformError
from apps.tenants.models import Domain, Tenant
from apps.tenants.permissions import require_perm
from apps.tenants.routing import routing_forget
from apps.tenants.schema_template import schema_create, template_ensure
from apps.tenants.services import tenant_create, validate_slug
from apps.tenants.states import transition

from . import load
from .archive import Reader
from .dump import LOCK_KEY, backup_write, media_root, summary
from .errors import (
    BackupBusy,
    BackupError,
    ConfirmationMismatch,
    RestoreNotAllowed,
    RestoreTargetExists,
    RestoreTargetMissing,
)
from .models import Backup, Restore
from .progress import progress_clear, progress_set

logger = logging.getLogger(__name__)
PERMISSION = "backups.manage_backup"
LIVE = (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED)


def backup_path(backup: Backup) -> Path:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"{backup.tenant_slug}-{stamp}-{backup.kind}-{backup.pk}.tar.gz"
    return Path(settings.BACKUP_ROOT) / backup.tenant_slug / name


def _busy(tenant: Tenant) -> bool:
    running = (Backup.Status.QUEUED, Backup.Status.RUNNING)
    return (Backup.objects.filter(tenant=tenant, status__in=running).exists()
            or Restore.objects.filter(tenant=tenant, status__in=running).exists())


# --- Backups -----------------------------------------------------------------------------


def backup_queue(*, tenant: Tenant, kind: str = Backup.Kind.MANUAL, actor=None) -> Backup:
    """A Backup row waiting to run (its task is sent after commit by the callers below)."""
    if tenant.is_public or tenant.status not in LIVE:
        raise BackupError(gettext("%(name)s cannot be backed up now: it is %(status)s.") % {
            "name": tenant.name, "status": tenant.get_status_display()})
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return Backup.objects.create(tenant=tenant, tenant_slug=tenant.slug, kind=kind, requested_by=actor)


def backup_request(*, tenant: Tenant, actor) -> Backup:
    """"Back up now" in the portal: HQ masters only; runs on a worker."""
    require_perm(actor, PERMISSION, action="backup.requested", tenant=tenant)
    from .tasks import run_backup

    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        if _busy(tenant):
            raise BackupBusy()
        backup = backup_queue(tenant=tenant, actor=actor)
        audit_record(action="backup.requested", actor=actor, target=backup, tenant=tenant,
                     metadata={"kind": backup.kind})
        transaction.on_commit(lambda: run_backup.delay(backup.pk), robust=True)
    return backup


def backup_create(*, tenant: Tenant, kind: str = Backup.Kind.MANUAL, actor=None, output: Path | None = None) -> Backup:
    """Back the tenant up now, in this process (the commands, the restore's own first backup)."""
    backup = backup_queue(tenant=tenant, kind=kind, actor=actor)
    return backup_run(backup_id=backup.pk, output=output, raise_errors=True)


def backup_run(*, backup_id: int, output: Path | None = None, raise_errors: bool = False) -> Backup:
    backup = Backup.objects.select_related("tenant").get(pk=backup_id)
    if backup.status != Backup.Status.QUEUED:
        return backup  # ran already (a task delivered twice)
    path = Path(output) if output else backup_path(backup)
    Backup.objects.filter(pk=backup.pk).update(status=Backup.Status.RUNNING, started_at=timezone.now(),
                                               path=str(path))

    def progress(done, total):
        progress_set("backup", backup.pk, done, total)

    try:
        manifest = backup_write(tenant=backup.tenant, path=path, progress=progress)
    except Exception as exc:
        _log_failure(exc, "backup %s of %s failed", backup.pk, backup.tenant_slug)
        _finish_failed(backup, exc, action="backup.failed")
        progress_clear("backup", backup.pk)
        if raise_errors:
            raise
        backup.refresh_from_db()
        return backup
    total = len(manifest["schema"]) + len(manifest["public"]) + 1
    with transaction.atomic():
        Backup.objects.filter(pk=backup.pk).update(
            status=Backup.Status.SUCCEEDED, finished_at=timezone.now(), size=path.stat().st_size,
            summary=summary(manifest), tables_total=total, tables_done=total, path=str(path))
        backup.refresh_from_db()
        audit_record(action="backup.created", actor=backup.requested_by, target=backup, tenant=backup.tenant,
                     metadata={"kind": backup.kind, "path": str(path), "size": backup.size,
                               "tables": backup.summary["tables"], "rows": backup.summary["rows"]})
    progress_clear("backup", backup.pk)
    return backup


def _log_failure(exc: BaseException, message: str, *args) -> None:
    if isinstance(exc, PlatformError):  # a refusal with its reason: no traceback needed
        logger.warning(message + ": %s", *args, describe_error(exc))
    else:
        logger.exception(message, *args)


def _finish_failed(job, exc: BaseException, *, action: str) -> None:
    message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        type(job).objects.filter(pk=job.pk).update(status=job.Status.FAILED, finished_at=timezone.now(),
                                                   error=str(message)[:4000])
        tenant = Tenant.objects.filter(pk=job.tenant_id).first() if job.tenant_id else None
        audit_record(action=action, actor=job.requested_by, target=job, tenant=tenant,
                     metadata={"error": str(message)[:500], "path": job.path})


# --- Restores ------------------------------------------------------------------------------


def restore_request(*, backup: Backup, actor, confirmation: str, as_slug: str = "") -> Restore:
    """"Restore this backup" in the portal: HQ masters only, after typing the slug of the
    tenant that is overwritten (or of the copy made); runs on a worker."""
    require_perm(actor, PERMISSION, action="backup.restore_requested", tenant=backup.tenant)
    as_slug = (as_slug or "").strip().lower()
    if (confirmation or "").strip().lower() != (as_slug or backup.tenant_slug):
        raise ConfirmationMismatch()
    if backup.status != Backup.Status.SUCCEEDED:
        raise RestoreNotAllowed(RestoreNotAllowed.message % {"reason": gettext("this backup did not succeed.")})
    if as_slug:
        _check_new_slug(as_slug)
    from .tasks import run_restore

    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=backup.tenant_id).first()
        if not as_slug and _busy(backup.tenant):
            raise BackupBusy()
        restore = Restore.objects.create(backup=backup, path=backup.path, source_slug=backup.tenant_slug,
                                         as_slug=as_slug, tenant=None if as_slug else backup.tenant,
                                         requested_by=actor)
        audit_record(action="backup.restore_requested", actor=actor, target=restore, tenant=backup.tenant,
                     metadata={"backup": backup.pk, "path": backup.path, **({"as": as_slug} if as_slug else {})})
        transaction.on_commit(lambda: run_restore.delay(restore.pk), robust=True)
    return restore


def restore_from_file(*, path, as_slug: str = "", actor=None) -> Restore:
    """The command: restore the file now, in this process. Raises on failure."""
    reader = Reader(Path(path))  # missing, damaged or altered files stop here
    source = reader.manifest["tenant"]
    backup = Backup.objects.filter(path=str(Path(path))).first()
    restore = Restore.objects.create(backup=backup, path=str(path), source_slug=source["slug"],
                                     as_slug=(as_slug or "").strip().lower(), requested_by=actor)
    return restore_run(restore_id=restore.pk, reader=reader, raise_errors=True)


def _check_new_slug(slug: str) -> None:
    if Tenant.objects.filter(slug=slug).exists() or schema_exists(slug.replace("-", "_")):
        raise RestoreTargetExists(RestoreTargetExists.message % {"slug": slug})
    try:
        validate_slug(slug)
    except ValidationError as exc:
        raise BackupError(" ".join(exc.messages)) from exc


def restore_run(*, restore_id: int, reader: Reader | None = None, raise_errors: bool = False) -> Restore:
    restore = Restore.objects.get(pk=restore_id)
    if restore.status != Restore.Status.QUEUED:
        return restore
    Restore.objects.filter(pk=restore.pk).update(status=Restore.Status.RUNNING, started_at=timezone.now())
    try:
        reader = reader or Reader(Path(restore.path))
        if restore.as_slug:
            _restore_copy(restore, reader)
        else:
            _restore_in_place(restore, reader)
    except Exception as exc:
        _log_failure(exc, "restore %s of %s failed", restore.pk, restore.path)
        restore.refresh_from_db()
        _finish_failed(restore, exc, action="backup.restore_failed")
        progress_clear("restore", restore.pk)
        if raise_errors:
            raise
    finally:
        if reader is not None:
            reader.close()
    restore.refresh_from_db()
    progress_clear("restore", restore.pk)
    return restore


def _target(manifest: dict) -> Tenant:
    source = manifest["tenant"]
    tenant = Tenant.objects.filter(slug=source["slug"], public_id=source["public_id"]).first()
    if tenant is None:
        raise RestoreTargetMissing(RestoreTargetMissing.message % {"slug": source["slug"]})
    if tenant.status not in LIVE:
        raise RestoreNotAllowed(RestoreNotAllowed.message % {
            "reason": gettext("it is %(status)s.") % {"status": tenant.get_status_display()}})
    return tenant


def _total(manifest: dict) -> int:
    return len(manifest["schema"]) + len(manifest["public"]) + 1


def _restore_in_place(restore: Restore, reader: Reader) -> None:
    manifest = reader.manifest
    tenant = _target(manifest)
    load.check_migrations(manifest, tenant.schema_name)  # before the backup of the current state
    Restore.objects.filter(pk=restore.pk).update(tenant=tenant, tables_total=_total(manifest))
    pre = backup_create(tenant=tenant, kind=Backup.Kind.PRE_RESTORE, actor=restore.requested_by)
    Restore.objects.filter(pk=restore.pk).update(pre_restore_backup=pre)
    staging = Path(settings.MEDIA_ROOT) / f".restore-{tenant.schema_name}-{uuid.uuid4().hex[:8]}"
    load.media_extract(reader, staging)
    before = _cache_keys(tenant)

    def progress(done, total):
        progress_set("restore", restore.pk, done, total)

    try:
        with transaction.atomic(durable=not connection.in_atomic_block):
            with connection.cursor() as cursor:  # no backup reads the tenant while it is replaced
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, tenant.pk])
            tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
            done = load.load_schema(reader, tenant.schema_name, progress, 0, _total(manifest))
            done, replaced = load.replace_public(reader, tenant, progress, done, _total(manifest))
            checked = load.verify(manifest, tenant.schema_name, tenant=tenant, public_labels=replaced)
            load.sessions_clear(tenant.schema_name)
            _forget(tenant, before)
            Restore.objects.filter(pk=restore.pk).update(status=Restore.Status.SUCCEEDED, finished_at=timezone.now(),
                                                         tables_done=_total(manifest), tables_total=_total(manifest))
            audit_record(action="backup.restored", actor=restore.requested_by, target=tenant, tenant=tenant,
                         metadata={"path": restore.path, "backup_created_at": manifest["created_at"],
                                   "pre_restore_backup": pre.path, **checked})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _media_swap(staging, media_root(tenant.schema_name))


def _media_swap(staging: Path, target: Path) -> None:
    old = target.with_name(target.name + f".old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _restore_copy(restore: Restore, reader: Reader) -> None:
    manifest = reader.manifest
    source = manifest["tenant"]
    _check_new_slug(restore.as_slug)
    template_ensure()  # outside the transaction: building it migrates (and commits)
    plan = Plan.objects.filter(code=source["plan"]).first() if source["plan"] else None
    owner = (User.objects.filter(pk=source["owner_id"]).first() if source["owner_id"] else None) or \
        User.objects.filter(email=source["owner_email"]).first()
    folder = media_root(restore.as_slug.replace("-", "_"))  # no tenant has it: anything there is left over
    Restore.objects.filter(pk=restore.pk).update(tables_total=_total(manifest))

    def progress(done, total):
        progress_set("restore", restore.pk, done, total)

    try:
        load.media_extract(reader, folder)
        with transaction.atomic(durable=not connection.in_atomic_block):
            kind = source["kind"] if source["kind"] == Tenant.Kind.DEMO else Tenant.Kind.CUSTOMER
            reason = gettext("Copy of %(slug)s from its backup of %(when)s.") % {
                "slug": source["slug"], "when": manifest["created_at"]}
            tenant = tenant_create(slug=restore.as_slug, name=source["name"], business_type=source["business_type"],
                                   owner_email=source["owner_email"], owner_name=source["owner_name"],
                                   contact_phone=source["contact_phone"], locale=source["locale"],
                                   timezone=source["timezone"], kind=kind, plan=plan, provision=False,
                                   actor=restore.requested_by, reason=reason)
            transition(tenant, Tenant.Status.PROVISIONING, actor=restore.requested_by, reason=reason,
                       action="tenant.provisioning_started", metadata={"from_backup": restore.path})
            schema_create(tenant.schema_name)
            load.check_migrations(manifest, tenant.schema_name)
            done = load.load_schema(reader, tenant.schema_name, progress, 0, _total(manifest))
            copied = load.copy_public(reader, tenant)
            checked = load.verify(manifest, tenant.schema_name)
            load.sessions_clear(tenant.schema_name)
            load.media_relocate(source["schema"], tenant.schema_name)
            progress(done + len(manifest["public"]), _total(manifest))
            if owner is not None:
                provisioning_start_subscription(tenant=tenant, owner=owner)
            transition(tenant, Tenant.Status.ACTIVE, actor=restore.requested_by, action="tenant.provisioned",
                       fields={"owner": owner, "activated_at": timezone.now()}, metadata={"from_backup": restore.path})
            members_changed(user_ids=Membership.objects.filter(tenant=tenant).values_list("user_id", flat=True))
            Restore.objects.filter(pk=restore.pk).update(
                tenant=tenant, status=Restore.Status.SUCCEEDED, finished_at=timezone.now(),
                tables_done=_total(manifest), tables_total=_total(manifest))
            audit_record(action="backup.restored_as_copy", actor=restore.requested_by, target=tenant, tenant=tenant,
                         metadata={"path": restore.path, "source": source["slug"],
                                   "backup_created_at": manifest["created_at"], "copied": copied, **checked})
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        connection.set_schema_to_public()
        raise
    connection.set_schema_to_public()


def _cache_keys(tenant: Tenant) -> dict:
    return {"hosts": list(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)),
            "users": list(Membership.objects.filter(tenant=tenant).values_list("user_id", flat=True))}


def _forget(tenant: Tenant, before: dict) -> None:
    """Everything cached about the tenant is rebuilt after commit: routing, limits, roles,
    settings, API keys, the catalog customers read, flags, its members' checks (before and after the restore)."""
    after = _cache_keys(tenant)
    routing_forget(tenant_ids=[tenant.pk], hosts=[*before["hosts"], *after["hosts"]])
    schema = tenant.schema_name
    bump(scope("roles", schema), scope("workspace", schema), scope("apikeys", schema), scope("catalog", schema),
         "flags")
    members_changed(user_ids={*before["users"], *after["users"]})


def describe_error(exc: BaseException) -> str:
    return str(exc.message) if isinstance(exc, PlatformError) else f"{type(exc).__name__}: {exc}"
