"""Loading a verified backup file (apps.backups.archive.Reader) into a schema and the
public tables, then checking what was loaded against the manifest. Everything here runs
inside the caller's transaction: a check that fails rolls the whole restore back."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.db.models import FileField

from . import tables as t
from .archive import Reader
from .errors import RestoreVerificationFailed, SchemaVersionMismatch

Progress = Callable[[int, int], None]
# What an in-place restore takes back from the backup's tenant row; its lifecycle (status,
# dates), address and identity stay as they are now (a restore neither suspends nor revives).
TENANT_RESTORED_COLUMNS = ("name", "owner_id", "owner_email", "owner_name", "contact_phone", "locale", "timezone",
                           "plan_id")


def _difference(label: str, backed_up, here) -> str:
    missing = sorted(set(backed_up) - set(here))
    extra = sorted(set(here) - set(backed_up))
    parts = [f"{label}: "]
    if missing:
        parts.append(f"{len(missing)} only in the backup, e.g. {missing[0]}")
    if extra:
        parts.append(("; " if missing else "") + f"{len(extra)} only here, e.g. {extra[0]}")
    return "".join(parts)


def check_migrations(manifest: dict, schema: str) -> None:
    backed_up = manifest["migrations"]
    here_schema = t.schema_migrations(schema)
    if set(backed_up["schema"]) != set(here_schema):
        raise SchemaVersionMismatch(SchemaVersionMismatch.message % {
            "difference": _difference("tenant schema", backed_up["schema"], here_schema)})
    apps_ = {name.split(".")[0] for name in backed_up["public"]} | {
        label.split(".")[0] for label in manifest["public"]}
    here_public = t.public_migrations(apps_)
    if set(backed_up["public"]) != set(here_public):
        raise SchemaVersionMismatch(SchemaVersionMismatch.message % {
            "difference": _difference("public schema", backed_up["public"], here_public)})
    tables_here = t.schema_tables(schema)
    if set(tables_here) != set(manifest["schema"]):
        raise SchemaVersionMismatch(SchemaVersionMismatch.message % {
            "difference": _difference("tables", manifest["schema"], tables_here)})
    for table, entry in manifest["schema"].items():
        if set(tables_here[table]["columns"]) != set(entry["columns"]):
            raise SchemaVersionMismatch(SchemaVersionMismatch.message % {
                "difference": _difference(f"columns of {table}", entry["columns"], tables_here[table]["columns"])})


def load_schema(reader: Reader, schema: str, progress: Progress, done: int, total: int) -> int:
    """Replace every table of `schema` with the backup's rows; sequences where they stood."""
    entries = reader.manifest["schema"]
    with connection.cursor() as cursor:
        # Pending checks of rows written earlier in this transaction (the template's rows)
        # first: TRUNCATE refuses a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        if entries:
            cursor.execute("TRUNCATE " + ", ".join(f"{t.quote(schema)}.{t.quote(name)}" for name in entries))
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # rows load in any order; checked below
    for table, entry in entries.items():
        t.copy_in(f"{t.quote(schema)}.{t.quote(table)}", entry["columns"], reader.chunks(f"schema/{table}.copy"))
        done += 1
        progress(done, total)
    t.sequences_set(schema, reader.manifest["sequences"])
    return done


def replace_public(reader: Reader, tenant, progress: Progress, done: int, total: int) -> tuple[int, list[str]]:
    """The tenant's public rows as the backup has them (those not kept: see tables.KEPT_*).
    Returns the progress and the labels replaced."""
    manifest = reader.manifest["public"]
    publics = [p for p in t.public_tables() if p.label in manifest]
    replaced = []
    with connection.cursor() as cursor:
        # children first: their rows are found through their parents
        for public in reversed(publics):
            if public.kept or public.label == "tenants.tenant":
                continue
            sql, params = public.key_select(tenant.pk)
            cursor.execute(f"DELETE FROM public.{t.quote(public.table)} WHERE {t.quote(public.model._meta.pk.column)} "
                           f"IN ({sql})", params)
    for public in publics:
        entry = manifest[public.label]
        if public.label == "tenants.tenant":
            _tenant_row(reader, public, entry, tenant)
        elif not public.kept:
            t.copy_in(f"public.{t.quote(public.table)}", entry["columns"], reader.chunks(f"public/{public.label}.copy"))
            replaced.append(public.label)
        done += 1
        progress(done, total)
    return done, replaced


def _staged(reader: Reader, label: str, entry: dict) -> str:
    """The backup's rows of one public table in a temporary table of the same shape."""
    staging = t.quote(f"_backup_{entry['table']}")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} (LIKE public.{t.quote(entry['table'])}) ON COMMIT DROP")
    t.copy_in(staging, entry["columns"], reader.chunks(f"public/{label}.copy"))
    return staging


def _tenant_row(reader: Reader, public, entry: dict, tenant) -> None:
    staging = _staged(reader, public.label, entry)
    assignments = ", ".join(f"{t.quote(column)} = s.{t.quote(column)}" for column in TENANT_RESTORED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE public.{t.quote(entry['table'])} AS d SET {assignments} FROM {staging} AS s "
                       "WHERE d.id = s.id AND d.id = %s", [tenant.pk])


def copy_public(reader: Reader, tenant) -> dict[str, int]:
    """For a copy: the backup's memberships and configuration rows (tables.COPIED_MODELS)
    under the new tenant, with new keys. Returns rows per label."""
    copied = {}
    for label in t.COPIED_MODELS:
        entry = reader.manifest["public"].get(label)
        if not entry or not entry["rows"]:
            continue
        model = django_apps.get_model(label)
        staging = _staged(reader, label, entry)
        tenant_column = model._meta.get_field(entry["path"]).column
        columns = [c for c in entry["columns"] if c != model._meta.pk.column]
        values = ", ".join("%s" if c == tenant_column else f"s.{t.quote(c)}" for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO public.{t.quote(entry['table'])} ({', '.join(t.quote(c) for c in columns)}) "
                           f"SELECT {values} FROM {staging} AS s", [tenant.pk])
            copied[label] = cursor.rowcount
    return copied


def verify(manifest: dict, schema: str, *, tenant=None, public_labels=()) -> dict:
    """Row counts and checksums of the loaded tables equal the manifest's, or the restore
    fails (its transaction rolls back). Returns {"tables": n, "rows": n}."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a row pointing at nothing fails here, not at commit
    rows_total = 0
    for table, entry in manifest["schema"].items():
        rows, checksum = t.table_checksum(t.schema_select(schema, table, entry))
        _compare(f"table {table}", rows, checksum, entry)
        rows_total += rows
    by_label = {p.label: p for p in t.public_tables()}
    for label in public_labels:
        rows, checksum = t.table_checksum(*by_label[label].select(tenant.pk))
        _compare(f"public rows {label}", rows, checksum, manifest["public"][label])
    return {"tables": len(manifest["schema"]) + len(public_labels), "rows": rows_total}


def _compare(what: str, rows: int, checksum: str, entry: dict) -> None:
    if rows != entry["rows"]:
        raise RestoreVerificationFailed(RestoreVerificationFailed.message % {
            "problem": f"{what}: {rows} rows, the backup has {entry['rows']}"})
    if checksum != entry["sha256"]:
        raise RestoreVerificationFailed(RestoreVerificationFailed.message % {
            "problem": f"{what}: the content checksum differs"})


# Emptied after a restore is checked: logins are not data. A session ended since the backup
# would otherwise be valid again (and a copy has no business with the original's).
SESSION_TABLES = ("django_session",)


def sessions_clear(schema: str) -> None:
    present = set(t.schema_tables(schema))
    with connection.cursor() as cursor:
        for table in SESSION_TABLES:
            if table in present:
                cursor.execute(f"DELETE FROM {t.quote(schema)}.{t.quote(table)}")


# --- Media -------------------------------------------------------------------------------------


def media_extract(reader: Reader, folder: Path) -> int:
    """The backup's media files into `folder` (made afresh). Returns how many."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in reader.manifest["media"]:
        target = (folder / name).resolve()
        if folder.resolve() not in target.parents:  # a member named ../x
            raise RestoreVerificationFailed(RestoreVerificationFailed.message % {"problem": f"media path {name}"})
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            for chunk in reader.chunks(f"media/{name}"):
                handle.write(chunk)
    return len(reader.manifest["media"])


def media_relocate(old_schema: str, new_schema: str) -> int:
    """A copy's file fields name its own folder (uploads live under MEDIA_ROOT/<schema>/)."""
    changed = 0
    old, new = f"{old_schema}/", f"{new_schema}/"
    tenant_apps = set(settings.TENANT_APPS) - set(settings.SHARED_APPS)
    with connection.cursor() as cursor:
        for model in django_apps.get_models():
            if model._meta.app_config.name not in tenant_apps:
                continue
            for field in model._meta.concrete_fields:
                if isinstance(field, FileField):
                    column = t.quote(field.column)
                    cursor.execute(f"UPDATE {t.quote(new_schema)}.{t.quote(model._meta.db_table)} "
                                   f"SET {column} = %s || substr({column}, %s) WHERE left({column}, %s) = %s",
                                   [new, len(old) + 1, len(old), old])
                    changed += cursor.rowcount
    return changed
