"""Which tenant schemas are behind the migrations on disk, read with one query per chunk
of schemas instead of one `migrate` per schema.

django-tenants' `migrate_schemas` runs Django's `migrate` in every tenant schema, and
each run costs about 0.4 s even when there is nothing to apply (the migration graph is
rebuilt, pg_catalog is scanned, the connection is reopened): a deploy over 10,000
tenants would wait an hour to learn that. Here the graph is loaded once, from disk, and
each tenant schema's `django_migrations` is compared with it in SQL, a few hundred schemas
per statement; `migrate_schemas` then migrates only the schemas found behind.

What "up to date" means. `migrate` without a target plans every node of the graph (the
ancestors of every app's leaf) that the schema's `django_migrations` lacks, and in a
tenant schema it records every migration of every app as applied, the shared apps'
included: django-tenants' router (`allow_migrate`) only turns the operations of apps
outside TENANT_APPS into no-ops there, so `tenants`, `auth`, `billing` ... are rows in
every tenant schema's table without tables of their own (seen in a provisioned schema:
its rows are exactly the graph's nodes). So a schema is up to date exactly when its
`django_migrations` holds every node of the graph. The full set rather than each app's
leaf nodes: it costs the same (a count in SQL, nothing more on the wire) and it also
catches a row missing below an applied leaf (a hand-edited or partly restored table),
which `migrate` would apply and a leaf-only check would miss.

The check errs toward "behind", which costs one stock `migrate` of that schema; "up to
date" must never be wrong. Rows of migrations no longer on disk are ignored. A squashed
migration is a graph node of its own (the graph is read without a database, so the
squash stands for the migrations it replaces); `migrate` records it once all it replaces
are applied (MigrationExecutor.check_replacements), so a schema holding only the
replaced rows is behind until its next `migrate`, which records it. A schema without a
`django_migrations` table is behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from django.db import connections
from django.db.migrations.loader import MigrationLoader

# Schemas per statement: each one locks its schema's django_migrations until the statement
# ends (the lock table holds max_locks_per_transaction x max_connections, 64 x 100 by default).
CHUNK_SIZE = 500


@lru_cache(maxsize=1)
def expected_migrations() -> tuple[tuple[str, str], ...]:
    """Every (app, name) of the migration graph on disk, sorted: what a migrated tenant
    schema's django_migrations holds. Loaded once per process (~0.3 s)."""
    return tuple(sorted(MigrationLoader(None, ignore_no_migrations=True).graph.nodes))


def quote_name(name: str) -> str:
    """An SQL identifier for any name (embedded double quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def schemas_with_migrations_table(schemas: Sequence[str], *, using: str = "default") -> set[str]:
    """The schemas among `schemas` that have a django_migrations table (one catalog query)."""
    with connections[using].cursor() as cursor:
        cursor.execute("""
            SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = 'django_migrations' AND c.relkind IN ('r', 'p') AND n.nspname = ANY(%s)""",
                       [list(schemas)])
        return {name for (name,) in cursor.fetchall()}


def missing_migrations(schemas: Sequence[str], *, using: str = "default", chunk_size: int = CHUNK_SIZE,
                       progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """{schema: how many migrations of the graph its django_migrations lacks} for every schema
    in `schemas` (0: up to date; a schema without the table lacks them all). One catalog query,
    then one statement per `chunk_size` schemas. `progress(checked, behind)` after each chunk."""
    expected = expected_migrations()
    with_table = schemas_with_migrations_table(schemas, using=using) if schemas else set()
    missing = {schema: len(expected) for schema in schemas if schema not in with_table}
    checked = [schema for schema in schemas if schema in with_table]
    params = [[app for app, _ in expected], [name for _, name in expected]]
    done = len(missing)
    for start in range(0, len(checked), chunk_size):
        chunk = checked[start:start + chunk_size]
        # The branch number, not the name, identifies a schema in the result: no literal to quote.
        branches = "\nUNION ALL ".join(
            f"SELECT {n}, count(*) FROM expected e WHERE NOT EXISTS "
            f"(SELECT 1 FROM {quote_name(schema)}.django_migrations m WHERE m.app = e.app AND m.name = e.name)"
            for n, schema in enumerate(chunk))
        with connections[using].cursor() as cursor:
            cursor.execute("WITH expected (app, name) AS MATERIALIZED "
                           f"(SELECT * FROM unnest(%s::text[], %s::text[]))\n{branches}", params)
            for n, count in cursor.fetchall():
                missing[chunk[n]] = count
        done += len(chunk)
        if progress:
            progress(done, sum(1 for count in missing.values() if count))
    return {schema: missing[schema] for schema in schemas}


def schemas_behind(schemas: Sequence[str], **kwargs) -> list[str]:
    """The schemas among `schemas`, in their order, that have a migration to apply."""
    return [schema for schema, count in missing_migrations(schemas, **kwargs).items() if count]
