"""What a tenant's backup holds, found rather than listed, and the table I/O.

- Its schema: every table PostgreSQL has in it (not only those of models: many-to-many
  tables and whatever a migration made), except `django_migrations`, which is the
  migration state the manifest records instead.
- Its public rows: every public model with a foreign key to the tenant, and every public
  model pointing at one of those (invoice lines through invoices ...), found in Django's
  model registry, so a new app's tenant-keyed table is backed up without a change here.

Rows travel as PostgreSQL's COPY text, read in the primary key's order; a table's
checksum is the SHA-256 of exactly those bytes, so the backup and a restored database
compute it the same way (tests/test_backup_restore.py compares them row by row too).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection

from apps.tenants.models import Tenant

MIGRATIONS_TABLE = "django_migrations"

# Public rows a restore leaves as they are: what happened, not the tenant's state. The
# append-only histories (the audit chains must stay verifiable: a restore appends to them,
# and the status history), operations' own records, the usage measured per day and the
# alerts already sent about it.
KEPT_APPS = {"audit", "backups", "ops"}
KEPT_MODELS = {"tenants.tenantstatuschange", "billing.usageday", "billing.usagealert"}
# Public rows a copy (--as) takes over for its new tenant: who belongs to it and how it is
# configured. Not billing (a copy is a new customer to billing: its own subscription on the
# same plan), not the status history, audit chain, onboarding, settlement or the directory
# listing, which describe the original business.
COPIED_MODELS = ("accounts.membership", "flags.flagoverride", "industry.templateapplication")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class PublicTable:
    """A public model keyed by the tenant: `path` is the ORM lookup from it to the tenant's id."""

    label: str  # app_label.model_name
    path: str

    @property
    def model(self):
        return django_apps.get_model(self.label)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def columns(self) -> list[str]:
        return [field.column for field in self.model._meta.concrete_fields]

    @property
    def kept(self) -> bool:
        app_label, _dot, _name = self.label.partition(".")
        return app_label in KEPT_APPS or self.label in KEPT_MODELS

    def select(self, tenant_id: int) -> tuple[str, list]:
        """SQL and parameters selecting the tenant's rows, columns in model order, by key."""
        model = self.model
        queryset = model._base_manager.filter(**{self.path: tenant_id}).order_by("pk")
        queryset = queryset.values_list(*[field.attname for field in model._meta.concrete_fields])
        sql, params = queryset.query.sql_with_params()
        return sql, list(params)

    def key_select(self, tenant_id: int) -> tuple[str, list]:
        sql, params = self.model._base_manager.filter(**{self.path: tenant_id}).values("pk").query.sql_with_params()
        return sql, list(params)


def public_tables() -> list[PublicTable]:
    """Every public model keyed by a tenant, the tenant first, parents before children."""
    shared = set(settings.SHARED_APPS)
    models = [model for model in django_apps.get_models()
              if model._meta.app_config.name in shared and model._meta.managed and not model._meta.proxy
              and model._meta.app_config.name not in settings.TENANT_APPS
              and model._meta.app_label != "backups"]  # the list of backups is not part of one
    paths: dict = {Tenant: "pk"}
    changed = True
    while changed:
        changed = False
        for model in models:
            if model in paths:
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model in paths and field.related_model is not model:
                    parent = paths[field.related_model]
                    paths[model] = field.name if parent == "pk" else f"{field.name}__{parent}"
                    changed = True
                    break
    return [PublicTable(model._meta.label_lower, path) for model, path in paths.items()]


# --- The tenant's schema ---------------------------------------------------------------------


def schema_tables(schema: str) -> dict[str, dict]:
    """{table: {"columns": [...], "key": [...]}} of every table in `schema` but the migrations."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT r.relname, string_agg(a.attname, ',' ORDER BY a.attnum)
            FROM pg_class r JOIN pg_attribute a ON a.attrelid = r.oid
            WHERE r.relnamespace = %s::regnamespace AND r.relkind IN ('r', 'p') AND a.attnum > 0
              AND NOT a.attisdropped AND a.attgenerated = ''
            GROUP BY r.relname ORDER BY r.relname""", [schema])
        tables = {name: {"columns": columns.split(",")} for name, columns in cursor.fetchall()
                  if name != MIGRATIONS_TABLE}
        cursor.execute("""
            SELECT r.relname, string_agg(a.attname, ',' ORDER BY k.n)
            FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
            CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = k.attnum
            WHERE r.relnamespace = %s::regnamespace AND c.contype = 'p'
            GROUP BY r.relname""", [schema])
        for name, key in cursor.fetchall():
            if name in tables:
                tables[name]["key"] = key.split(",")
    for spec in tables.values():
        spec.setdefault("key", spec["columns"])  # no primary key: every column orders the rows
    return tables


def schema_select(schema: str, table: str, spec: dict) -> str:
    columns = ", ".join(quote(column) for column in spec["columns"])
    order = ", ".join(quote(column) for column in spec["key"])
    return f"SELECT {columns} FROM {quote(schema)}.{quote(table)} ORDER BY {order}"


def schema_migrations(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app || '.' || name FROM {quote(schema)}.{MIGRATIONS_TABLE} ORDER BY 1")
        return [name for (name,) in cursor.fetchall()]


def public_migrations(app_labels) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app || '.' || name FROM public.{MIGRATIONS_TABLE} WHERE app = ANY(%s) ORDER BY 1",
                       [sorted(app_labels)])
        return [name for (name,) in cursor.fetchall()]


def sequences(schema: str) -> dict[str, list]:
    """{sequence: [last_value, is_called]} of every sequence in `schema`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'S' "
                       "ORDER BY relname", [schema])
        names = [name for (name,) in cursor.fetchall()]
        found = {}
        for name in names:
            cursor.execute(f"SELECT last_value, is_called FROM {quote(schema)}.{quote(name)}")
            last_value, is_called = cursor.fetchone()
            found[name] = [int(last_value), bool(is_called)]
    return found


def sequences_set(schema: str, positions: dict[str, list]) -> None:
    with connection.cursor() as cursor:
        for name, (last_value, is_called) in positions.items():
            cursor.execute("SELECT setval(%s::regclass, %s, %s)", [f"{quote(schema)}.{quote(name)}", last_value,
                                                                  is_called])


# --- COPY ------------------------------------------------------------------------------------


def copy_out(sql: str, params=(), write: Callable[[bytes], object] | None = None) -> tuple[int, str]:
    """Run `COPY (sql) TO STDOUT`; give each chunk to `write`. Returns (rows, SHA-256 hex)."""
    digest = hashlib.sha256()
    rows = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT", params or None) as copy:
        for chunk in copy:
            chunk = bytes(chunk)
            digest.update(chunk)
            rows += chunk.count(b"\n")
            if write is not None:
                write(chunk)
    return rows, digest.hexdigest()


def copy_in(target: str, columns: list[str], chunks: Iterator[bytes]) -> None:
    """`COPY target (columns) FROM STDIN` fed with COPY text."""
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor, cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
        for chunk in chunks:
            copy.write(chunk)


def table_checksum(sql: str, params=()) -> tuple[int, str]:
    return copy_out(sql, params)


def row_digests(schema: str, table: str) -> list[str]:
    """One MD5 per row, in key order: what a row-by-row comparison of two copies compares."""
    spec = schema_tables(schema)[table]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(row({', '.join(quote(c) for c in spec['columns'])})::text) "
                       f"FROM {quote(schema)}.{quote(table)} ORDER BY {', '.join(quote(c) for c in spec['key'])}")
        return [digest for (digest,) in cursor.fetchall()]
