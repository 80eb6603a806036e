"""Writing a tenant's backup file (apps.backups.archive): its schema's tables, its public
rows and its media, read in one snapshot (REPEATABLE READ), with the manifest."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists

from apps.billing.selectors import subscription_for
from apps.tenants.models import Tenant
from apps.tenants.schema_template import migrations_fingerprint

from . import tables as t
from .archive import FORMAT_VERSION, Writer
from .errors import BackupError

Progress = Callable[[int, int], None]


def media_root(schema: str) -> Path:
    return Path(settings.MEDIA_ROOT) / schema


def media_files(schema: str) -> list[Path]:
    root = media_root(schema)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []


def tenant_facts(tenant: Tenant) -> dict:
    subscription = subscription_for(tenant=tenant)
    plan = subscription.plan if subscription is not None else tenant.plan
    return {"id": tenant.pk, "public_id": str(tenant.public_id), "slug": tenant.slug, "schema": tenant.schema_name,
            "name": tenant.name, "business_type": tenant.business_type, "kind": tenant.kind,
            "owner_id": tenant.owner_id, "owner_email": tenant.owner_email, "owner_name": tenant.owner_name,
            "contact_phone": tenant.contact_phone, "locale": tenant.locale, "timezone": tenant.timezone,
            "plan": plan.code if plan is not None else None}


def backup_write(*, tenant: Tenant, path: Path, progress: Progress | None = None) -> dict:
    """Write the backup of `tenant` to `path`; return its manifest."""
    schema = tenant.schema_name
    if tenant.is_public or not schema_exists(schema):
        raise BackupError(_no_schema_message(tenant))
    writer = Writer(path)
    try:
        manifest = _snapshot(tenant, writer, progress or (lambda done, total: None))
        writer.close(manifest)
    except BaseException:
        writer.abort()
        raise
    return manifest


def _no_schema_message(tenant: Tenant) -> str:
    from django.utils.translation import gettext

    return gettext("%(name)s has no data to back up (it is %(status)s).") % {
        "name": tenant.name, "status": tenant.get_status_display()}


# pg_advisory_lock(LOCK_KEY, tenant id): backups share it, a restore takes it alone. TRUNCATE
# is not MVCC-safe: a snapshot taken before a restore commits would read its tables empty,
# so a backup waits for a running restore *before* its snapshot starts (a session lock,
# taken outside the transaction), and a restore waits for running backups.
LOCK_KEY = 0x6261636B


def _snapshot(tenant: Tenant, writer: Writer, progress: Progress) -> dict:
    outermost = connection.get_autocommit() and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock_shared(%s, %s)", [LOCK_KEY, tenant.pk])
    try:
        with transaction.atomic():
            if outermost:  # every table as of one moment, whatever the tenant does meanwhile
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _contents(tenant, writer, progress)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_shared(%s, %s)", [LOCK_KEY, tenant.pk])


def _contents(tenant: Tenant, writer: Writer, progress: Progress) -> dict:
    schema = tenant.schema_name
    schema_specs = t.schema_tables(schema)
    publics = t.public_tables()
    files = media_files(schema)
    total = len(schema_specs) + len(publics) + 1
    done = 0
    progress(done, total)
    manifest = {
        "format": FORMAT_VERSION, "created_at": timezone.now().isoformat(), "tenant": tenant_facts(tenant),
        "migrations": {"schema": t.schema_migrations(schema),
                       "public": t.public_migrations({p.label.split(".")[0] for p in publics}),
                       "fingerprint": migrations_fingerprint()},
        "schema": {}, "public": {}, "media": {}, "sequences": t.sequences(schema),
    }
    for table, spec in schema_specs.items():
        sql = t.schema_select(schema, table, spec)
        (rows, checksum), sha, size = writer.add_stream(f"schema/{table}.copy",
                                                        lambda write, sql=sql: t.copy_out(sql, write=write))
        manifest["schema"][table] = {**spec, "rows": rows, "sha256": checksum, "file": {"sha256": sha, "size": size}}
        done += 1
        progress(done, total)
    for public in publics:
        sql, params = public.select(tenant.pk)
        (rows, checksum), sha, size = writer.add_stream(
            f"public/{public.label}.copy", lambda write, sql=sql, params=params: t.copy_out(sql, params, write=write))
        manifest["public"][public.label] = {"table": public.table, "path": public.path, "columns": public.columns,
                                            "kept": public.kept, "rows": rows, "sha256": checksum,
                                            "file": {"sha256": sha, "size": size}}
        done += 1
        progress(done, total)
    root = media_root(schema)
    for file in files:
        name = file.relative_to(root).as_posix()
        sha, size = writer.add_file(f"media/{name}", file)
        manifest["media"][name] = {"sha256": sha, "size": size}
    progress(total, total)
    return manifest


def summary(manifest: dict) -> dict:
    """What the Backup row keeps of a manifest: counts, not checksums."""
    return {
        "tables": len(manifest["schema"]),
        "rows": sum(entry["rows"] for entry in manifest["schema"].values()),
        "public_rows": {label: entry["rows"] for label, entry in manifest["public"].items() if entry["rows"]},
        "media_files": len(manifest["media"]),
        "media_bytes": sum(entry["size"] for entry in manifest["media"].values()),
        "migrations": len(manifest["migrations"]["schema"]),
        "created_at": manifest["created_at"],
    }
