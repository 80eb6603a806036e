"""Many empty tenants for the perf scripts, quickly: each schema copied from the migrated
template (apps.tenants.schema_template, what provisioning does; a few threads at once) and
Tenant + Domain rows inserted in bulk: no owner, roles or subscription (full provisioning
costs seconds per tenant for nothing the scripts measure). Resumable: only the schemas and
rows that are missing are created, so a kept database (`perf_database_kept`) is topped up.

Also the footprint of the tenants on disk and in the catalog, measured on this machine (the
perf database lives on the project-local PostgreSQL, whose data directory we can read)."""

from __future__ import annotations

import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from _setup import PERF_DB, _admin_connection

GB = 1024**3
DISK_RESERVE = 10 * GB  # never leave less free than this on the data directory's disk
# Before anything is measured: above what an empty tenant takes here (3-5 MB, ~500 files).
GUESS_BYTES, GUESS_FILES = 6 * 1024**2, 600


class DiskFull(SystemExit):
    pass


@contextmanager
def perf_database_kept(*, keep: bool, fresh: bool = False):
    """_setup.perf_database, except that with `keep` an existing database is reused (migrated,
    tenants and all) and left in place at the end. `fresh` drops it first anyway."""
    config, admin = _admin_connection()
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PERF_DB]).fetchone() is not None
    if exists and (fresh or not keep):
        admin.execute(f'DROP DATABASE "{PERF_DB}" WITH (FORCE)')
        exists = False
    if not exists:
        admin.execute(f'CREATE DATABASE "{PERF_DB}"')
    oid = admin.execute("SELECT oid FROM pg_database WHERE datname = %s", [PERF_DB]).fetchone()[0]
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    os.environ["DATABASE_URL"] = f"postgres://{auth}@{config['HOST']}:{config['PORT']}/{PERF_DB}"
    # Per database incarnation: a recreated database's ids never meet an older run's cache.
    os.environ.setdefault("CACHE_KEY_PREFIX", f"{PERF_DB}-{oid}")
    import django
    from django.core.management import call_command

    django.setup()
    # Ours: only schemas that are behind are migrated (a no-op over a kept database's tenants).
    call_command("migrate_schemas", "--shared" if not exists else "--noinput", verbosity=0)
    call_command("setup_platform", verbosity=0, stdout=open(os.devnull, "w"))
    try:
        yield {"reused": exists, "oid": oid}
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            admin.execute(f'DROP DATABASE IF EXISTS "{PERF_DB}" WITH (FORCE)')
        admin.close()


def tenant_slugs(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:05d}" for i in range(n)]


def tenant_host(slug: str) -> str:
    from django.conf import settings

    return f"{slug}.{settings.BASE_DOMAIN}"


# --- Disk and catalog -----------------------------------------------------------------------

def _scalar(sql: str, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def database_dir() -> str:
    """base/<oid> under the server's data directory: the database's files."""
    path = os.path.join(_scalar("SHOW data_directory"), "base",
                        str(_scalar("SELECT oid FROM pg_database WHERE datname = current_database()")))
    if not os.path.isdir(path):
        raise SystemExit(f"{path} (the perf database's files) is not on this machine: disk figures and the "
                         "disk guard need the project-local PostgreSQL (make services)")
    return path


def footprint() -> dict:
    """The database's size, its file count and the size of its catalog tables (with indexes)."""
    catalog = {name: _scalar("SELECT pg_total_relation_size(%s::regclass)", [name])
               for name in ("pg_class", "pg_attribute", "pg_depend", "pg_constraint", "pg_index", "pg_type")}
    catalog["all"] = _scalar("SELECT sum(pg_total_relation_size(oid)) FROM pg_class "
                             "WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind = 'r'")
    with os.scandir(database_dir()) as entries:
        files = sum(1 for _ in entries)
    return {"database_bytes": _scalar("SELECT pg_database_size(current_database())"), "files": files,
            "catalog_bytes": {name: int(size) for name, size in catalog.items()}}


def schema_footprint(schema: str) -> dict:
    """One schema's relations: how many, and their size on disk (all forks, indexes, TOAST)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(sum(pg_total_relation_size(c.oid)) FILTER "
                       "(WHERE c.relkind IN ('r', 'm', 'S')), 0) FROM pg_class c "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s", [schema])
        relations, size = cursor.fetchone()
    return {"relations": relations, "bytes": int(size)}


def disk_free() -> dict:
    path = database_dir()
    stat = os.statvfs(path)
    return {"path": path, "free_bytes": shutil.disk_usage(path).free, "free_inodes": stat.f_favail}


def disk_check(count: int, *, per_tenant_bytes: float, per_tenant_files: float) -> dict:
    """Refuse (DiskFull) when `count` more tenants would leave less than DISK_RESERVE free,
    or use more than the free inodes less 10%."""
    free = disk_free()
    projected = {"bytes": int(count * per_tenant_bytes), "files": int(count * per_tenant_files)}
    if projected["bytes"] > free["free_bytes"] - DISK_RESERVE or projected["files"] > 0.9 * free["free_inodes"]:
        raise DiskFull(
            f"{count} tenants would need about {projected['bytes'] / GB:.1f} GB and {projected['files']} files "
            f"({per_tenant_bytes / 1024**2:.2f} MB, {per_tenant_files:.0f} files each); {free['path']} has "
            f"{free['free_bytes'] / GB:.1f} GB and {free['free_inodes']} inodes free, and "
            f"{DISK_RESERVE / GB:.0f} GB must stay free. Use fewer tenants.")
    return {"projected": projected, **free}


# --- Creation -------------------------------------------------------------------------------

def _missing_schemas(slugs: list[str]) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [slugs])
        present = {row[0] for row in cursor.fetchall()}
    return [slug for slug in slugs if slug not in present]


def _rows_create(slugs: list[str], business_type: str) -> None:
    from django.db import transaction

    from apps.tenants.models import Domain, Tenant

    present = set(Tenant.objects.filter(schema_name__in=slugs).values_list("schema_name", flat=True))
    missing = [slug for slug in slugs if slug not in present]
    with transaction.atomic():
        tenants = Tenant.objects.bulk_create(
            [Tenant(schema_name=slug, slug=slug, name=slug, business_type=business_type,
                    owner_email=f"owner@{slug}.test", status=Tenant.Status.ACTIVE) for slug in missing],
            batch_size=1000)
        Domain.objects.bulk_create([Domain(domain=tenant_host(t.slug), tenant=t, is_primary=True)
                                    for t in tenants], batch_size=1000)


def _copy(slug: str) -> None:
    from django.db import connections

    from apps.tenants.schema_template import schema_create_from_template

    try:
        schema_create_from_template(slug)
    finally:
        connections.close_all()  # this thread's connection: its backend's catalog cache goes with it


def tenants_ensure(slugs: list[str], *, jobs: int = 2, business_type: str = "retail",
                   chunk: int = 200, disk_guard: bool = True, progress: bool = True) -> dict:
    """Create whichever of `slugs` (schema names = slugs = subdomains) are missing, by chunks
    (rows inserted after each, so an interrupted run loses at most a chunk's rows and resumes).
    With `disk_guard`, refuses to start when the projection leaves less than DISK_RESERVE free,
    projecting first from a guess, then from what the first chunk really took.
    Returns timings and, when any was created, the measured cost per tenant."""
    from apps.tenants.schema_template import template_ensure

    started = time.perf_counter()
    template_built = template_ensure()
    template_s = time.perf_counter() - started
    missing = _missing_schemas(slugs)
    result = {"requested": len(slugs), "created": len(missing), "template_built": template_built,
              "template_s": round(template_s, 1)}
    if disk_guard:
        result["disk"] = disk_check(len(missing), per_tenant_bytes=GUESS_BYTES, per_tenant_files=GUESS_FILES)
    if missing:
        before = footprint() if disk_guard else None
        started = time.perf_counter()
        done = 0
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for first in range(0, len(missing), chunk):
                part = missing[first:first + chunk]
                list(pool.map(_copy, part))
                _rows_create(part, business_type)
                done += len(part)
                elapsed = time.perf_counter() - started
                if first == 0 and disk_guard:  # the real cost, before committing to the rest
                    after = footprint()
                    result["per_tenant_measured_on"] = len(part)
                    result["per_tenant_bytes"] = (after["database_bytes"] - before["database_bytes"]) / len(part)
                    result["per_tenant_files"] = (after["files"] - before["files"]) / len(part)
                    result["disk"] = disk_check(len(missing) - done, per_tenant_bytes=result["per_tenant_bytes"],
                                                per_tenant_files=result["per_tenant_files"])
                if progress:
                    print(f"tenants: {done}/{len(missing)} created, {elapsed:.0f}s, "
                          f"~{elapsed / done * (len(missing) - done):.0f}s to go", file=sys.stderr, flush=True)
        result["create_s"] = round(time.perf_counter() - started, 1)
        result["per_tenant_s"] = round(result["create_s"] / len(missing), 4)
    _rows_create(slugs, business_type)  # rows of schemas an interrupted run copied but did not record
    return result
