"""New tenant schemas copied from a migrated template schema instead of migrated one by one.

Migrating a new schema replays every migration (about 100) and spends most of its time in
Django re-rendering model state in Python; the database work is a few percent. So the
first provisioning after a change of migrations migrates one empty schema, the template
(`settings.TENANT_TEMPLATE_SCHEMA`, a name no tenant slug can produce), and marks it with
a fingerprint of the migration files; every provisioning then copies the template's
structure and rows (the rows its migrations inserted, and its `django_migrations`) in one
transaction, reading the definitions from PostgreSQL's catalog:

- tables with their columns, defaults, identity columns, CHECK and NOT NULL constraints,
  primary keys, unique and exclusion constraints and indexes (`CREATE TABLE ... (LIKE
  ... INCLUDING ...)`: expressions and predicates copied as they are, not re-parsed from
  text), the indexes renamed to the template's names (later migrations drop and alter
  them by name), foreign keys once every table exists,
- sequences that no identity column owns, triggers, table comments,
- the rows, and every sequence at the template's position.

Anything else in the template (views, functions, types) stops the copy with an error
rather than leaving a schema that differs from a migrated one;
`apps/tenants/tests/test_schema_template.py` compares a copied schema with a migrated one object by object.

Concurrency: copies hold a shared advisory lock for their transaction, a rebuild holds
the exclusive one, so a copy never reads a template being rebuilt and any number of
provisionings copy at once. `TENANT_SCHEMA_FROM_TEMPLATE = False` restores django-tenants'
migrate-per-schema.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
import time
from functools import lru_cache

import django
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.postgresql_backend.base import _check_schema_name

logger = logging.getLogger(__name__)

LOCK_KEY = 7_315_401_226  # pg_advisory_lock key of the template (any constant unique to this use)
NAME = "__SCHEMA__"  # stands for the new schema in the cached copy script
PROBE = "__template_probe__"  # a copy made and rolled back once, to learn the names LIKE chooses


def template_name() -> str:
    return settings.TENANT_TEMPLATE_SCHEMA


@lru_cache(maxsize=1)
def migrations_fingerprint() -> str:
    """A digest of every migration file on disk and of Django's version: it changes when a
    migration is added, removed or edited. Computed once per process (~30 ms)."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    loader.load_disk()
    digest = hashlib.sha256(django.get_version().encode())
    for app_label, name in sorted(loader.disk_migrations):
        digest.update(f"{app_label}.{name}\n".encode())
        module = sys.modules.get(loader.disk_migrations[app_label, name].__module__)
        path = getattr(module, "__file__", None)
        if path:
            with open(path, "rb") as source:
                digest.update(source.read())
    return digest.hexdigest()[:32]


def _template_fingerprint(cursor) -> str | None:
    cursor.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
                   [template_name()])
    row = cursor.fetchone()
    return row[0] if row else None


def template_ensure() -> bool:
    """Build the template unless it is there for the migrations on disk. True if it was built."""
    fingerprint = migrations_fingerprint()
    with connection.cursor() as cursor:
        if _template_fingerprint(cursor) == fingerprint:
            return False
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        with connection.cursor() as cursor:
            if _template_fingerprint(cursor) == fingerprint:  # another process built it meanwhile
                return False
            cursor.execute(f'DROP SCHEMA IF EXISTS "{template_name()}" CASCADE; '
                           f'CREATE SCHEMA "{template_name()}"')
        # django-tenants' per-schema migration; it commits (outside a transaction) and
        # leaves the connection on the public schema.
        call_command("migrate_schemas", schema_name=template_name(), tenant=True, interactive=False,
                     verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute(f'COMMENT ON SCHEMA "{template_name()}" IS %s', [fingerprint])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    logger.info("tenant schema template %s built in %.2fs", template_name(), time.perf_counter() - started)
    return True


def schema_create_from_template(schema_name: str) -> None:
    """Create `schema_name` as a copy of the template (built first if missing or stale)."""
    _check_schema_name(schema_name)
    template_ensure()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LOCK_KEY])
        fingerprint = _template_fingerprint(cursor)
        if fingerprint == migrations_fingerprint():
            script = _copy_script(template_name(), fingerprint)
            cursor.execute(f'CREATE SCHEMA "{schema_name}"')
            cursor.execute(script.replace(NAME, schema_name))
    connection.set_schema_to_public()
    if fingerprint != migrations_fingerprint():
        # A process running other migrations (a deploy under way) rebuilt the template
        # since we looked: this schema is migrated rather than copied from theirs.
        _schema_migrate(schema_name)


def schema_create(schema_name: str) -> None:
    """A new tenant's schema, migrated: copied from the template, or migrated from scratch
    when `TENANT_SCHEMA_FROM_TEMPLATE` is off."""
    if settings.TENANT_SCHEMA_FROM_TEMPLATE:
        schema_create_from_template(schema_name)
    else:
        _schema_migrate(schema_name)


def _schema_migrate(schema_name: str) -> None:
    _check_schema_name(schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    call_command("migrate_schemas", schema_name=schema_name, tenant=True, interactive=False, verbosity=0)


@lru_cache(maxsize=4)
def _copy_script(template: str, fingerprint: str | None) -> str:
    """The SQL that copies `template` into a schema called NAME. It depends only on the
    template's structure, which the fingerprint names: built once per process."""
    with connection.cursor() as cursor:
        # The script is read with search_path = pg_catalog (SET LOCAL): put the caller's
        # path back, which would otherwise last as long as an outer transaction does
        # while django-tenants believes it unchanged.
        cursor.execute("SELECT current_setting('search_path')")
        previous = cursor.fetchone()[0]
        try:
            return "\n".join(_CopyScript(cursor, template).statements())
        finally:
            cursor.execute("SELECT set_config('search_path', %s, true)", [previous])


class _CopyScript:
    def __init__(self, cursor, template: str):
        self.cursor = cursor
        self.template = template
        # Qualified names in the catalog's text (search_path = pg_catalog qualifies them all)
        self.qualified = re.compile(rf'(?<![\w"])(?:"{re.escape(template)}"|{re.escape(template)})\.')

    def rows(self, sql: str, params=()) -> list[tuple]:
        self.cursor.execute(sql, [self.template, *params])
        return self.cursor.fetchall()

    def retarget(self, text: str) -> str:
        return self.qualified.sub(f'"{NAME}".', text)

    def statements(self):
        self.cursor.execute("SET LOCAL search_path TO pg_catalog")
        self.refuse_unsupported()
        new, old = f'"{NAME}"', f'"{self.template}"'
        # Sequences that no identity column owns (serial columns, or standalone)
        sequences = self.rows("""
            SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                   s.seqcache, s.seqcycle
            FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
            WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'S'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')
            ORDER BY c.relname""")
        for name, type_, start, increment, minimum, maximum, cache, cycle in sequences:
            yield (f'CREATE SEQUENCE {new}."{name}" AS {type_} START {start} INCREMENT {increment} '
                   f'MINVALUE {minimum} MAXVALUE {maximum} CACHE {cache} {"CYCLE" if cycle else "NO CYCLE"};')
        tables = [name for (name,) in self.rows(
            "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'r' ORDER BY relname")]
        # Indexes and their constraints come with LIKE as the template has them (expressions
        # and predicates copied, not re-parsed from text, which can change their form), under
        # names PostgreSQL chooses: renamed to the template's below.
        likes = [f'CREATE TABLE {new}."{table}" (LIKE {old}."{table}" INCLUDING DEFAULTS INCLUDING IDENTITY '
                 f"INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING STORAGE "
                 f"INCLUDING COMMENTS INCLUDING COMPRESSION);" for table in tables]
        yield from likes
        yield from self.index_renames(likes)
        # LIKE gives an identity column's sequence the template's options but not its type
        for name, type_ in self.rows("""
                SELECT c.relname, format_type(s.seqtypid, NULL)
                FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
                JOIN pg_depend d ON d.objid = c.oid AND d.deptype = 'i'
                WHERE c.relnamespace = %s::regnamespace AND s.seqtypid <> 'bigint'::regtype
                ORDER BY c.relname"""):
            yield f'ALTER SEQUENCE {new}."{name}" AS {type_};'
        # Defaults that name one of the template's sequences (a serial column) point at ours
        for table, column, default in self.rows("""
                SELECT r.relname, a.attname, pg_get_expr(d.adbin, d.adrelid)
                FROM pg_attrdef d JOIN pg_class r ON r.oid = d.adrelid
                JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                WHERE r.relnamespace = %s::regnamespace ORDER BY 1, 2"""):
            if self.qualified.search(default):
                yield f'ALTER TABLE {new}."{table}" ALTER COLUMN "{column}" SET DEFAULT {self.retarget(default)};'
        for sequence, table, column in self.rows("""
                SELECT s.relname, r.relname, a.attname FROM pg_depend d
                JOIN pg_class s ON s.oid = d.objid JOIN pg_class r ON r.oid = d.refobjid
                JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = d.refobjsubid
                WHERE s.relnamespace = %s::regnamespace AND s.relkind = 'S' AND d.deptype = 'a'"""):
            yield f'ALTER SEQUENCE {new}."{sequence}" OWNED BY {new}."{table}"."{column}";'
        constraint_sql = """
            SELECT r.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
            JOIN pg_class r ON r.oid = c.conrelid
            WHERE r.relnamespace = %s::regnamespace AND c.contype = ANY(%s) ORDER BY r.relname, c.conname"""
        for table, name, definition in self.rows(constraint_sql, [["f"]]):
            yield f'ALTER TABLE {new}."{table}" ADD CONSTRAINT "{name}" {self.retarget(definition)};'
        for (definition,) in self.rows("""
                SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid
                WHERE r.relnamespace = %s::regnamespace AND NOT t.tgisinternal ORDER BY t.tgname"""):
            yield self.retarget(definition) + ";"
        for table, comment in self.rows("""
                SELECT r.relname, obj_description(r.oid, 'pg_class') FROM pg_class r
                WHERE r.relnamespace = %s::regnamespace AND r.relkind = 'r'
                  AND obj_description(r.oid, 'pg_class') IS NOT NULL"""):
            yield f"COMMENT ON TABLE {new}.\"{table}\" IS {self.literal(comment)};"
        # Rows (what migrations inserted), then every sequence where the template's stands
        for table, columns in self.rows("""
                SELECT r.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
                FROM pg_class r JOIN pg_attribute a ON a.attrelid = r.oid
                WHERE r.relnamespace = %s::regnamespace AND r.relkind = 'r' AND a.attnum > 0
                  AND NOT a.attisdropped AND a.attgenerated = ''
                GROUP BY r.relname ORDER BY r.relname"""):
            self.cursor.execute(f'SELECT EXISTS (SELECT 1 FROM {old}."{table}")')
            if self.cursor.fetchone()[0]:
                yield (f'INSERT INTO {new}."{table}" ({columns}) OVERRIDING SYSTEM VALUE '
                       f'SELECT {columns} FROM {old}."{table}";')
        for (sequence,) in self.rows("""
                SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'S'
                ORDER BY relname"""):
            self.cursor.execute(f'SELECT last_value, is_called FROM {old}."{sequence}"')
            last_value, is_called = self.cursor.fetchone()
            if is_called:
                yield f"SELECT setval('{new}.\"{sequence}\"', {int(last_value)}, true);"

    def index_keys(self, schema: str) -> dict[str, list[tuple]]:
        """{table: [(what the index is, its name)]} in creation order: what identifies an
        index apart from its name (columns, operator classes, expressions, predicate ...)."""
        self.cursor.execute("""
            SELECT r.relname, i.relname, am.amname, x.indkey::text, x.indclass::text, x.indcollation::text,
                   x.indoption::text, x.indisunique, x.indisprimary, x.indnullsnotdistinct,
                   coalesce(pg_get_expr(x.indexprs, x.indrelid), ''), coalesce(pg_get_expr(x.indpred, x.indrelid), ''),
                   coalesce(c.contype::text, ''), coalesce(c.condeferrable, false), coalesce(c.condeferred, false)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class r ON r.oid = x.indrelid
            JOIN pg_am am ON am.oid = i.relam
            LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
            WHERE r.relnamespace = %s::regnamespace ORDER BY r.relname, x.indexrelid""", [schema])
        found: dict[str, list[tuple]] = {}
        for table, index, *what in self.cursor.fetchall():
            found.setdefault(table, []).append((tuple(what), index))
        return found

    def index_renames(self, likes: list[str]):
        """The renames that give LIKE's indexes (and the constraints they back: renaming one
        renames the other) the template's names. The names PostgreSQL chooses depend only on
        the template, so they are read once from a probe copy, rolled back."""
        self.cursor.execute("SAVEPOINT template_probe")
        try:
            self.cursor.execute(f'CREATE SCHEMA "{PROBE}"')
            self.cursor.execute("\n".join(likes).replace(NAME, PROBE))
            template, probe = self.index_keys(self.template), self.index_keys(PROBE)
        finally:
            self.cursor.execute("ROLLBACK TO SAVEPOINT template_probe")
        renames = []
        for table, indexes in template.items():
            unclaimed = list(probe.get(table, []))
            for what, name in indexes:
                match = next((entry for entry in unclaimed if entry[0] == what), None)
                if match is None:
                    raise NotImplementedError(f"the copy of {table} lacks the template's index {name}")
                unclaimed.remove(match)
                if match[1] != name:
                    renames.append((match[1], name))
        # Through temporary names: a name PostgreSQL chose may be another index's real name
        for n, (chosen, _name) in enumerate(renames):
            yield f'ALTER INDEX "{NAME}"."{chosen}" RENAME TO "__index_{n}";'
        for n, (_chosen, name) in enumerate(renames):
            yield f'ALTER INDEX "{NAME}"."__index_{n}" RENAME TO "{name}";'

    def refuse_unsupported(self) -> None:
        found = self.rows("""
            SELECT 'relation ' || relname || ' (kind ' || relkind::text || ')' FROM pg_class
            WHERE relnamespace = %s::regnamespace AND relkind NOT IN ('r', 'i', 'S')
            UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = %s::regnamespace
            UNION ALL SELECT 'type ' || typname FROM pg_type t
            WHERE typnamespace = %s::regnamespace AND typtype NOT IN ('b', 'c')
            UNION ALL SELECT 'constraint ' || c.conname || ' named apart from its index ' || i.relname
            FROM pg_constraint c JOIN pg_class i ON i.oid = c.conindid
            WHERE c.connamespace = %s::regnamespace AND c.contype IN ('p', 'u', 'x') AND c.conname <> i.relname""",
                          [self.template, self.template, self.template])
        if found:
            raise NotImplementedError("the tenant schema template holds objects the copy does not handle: "
                                      + ", ".join(name for (name,) in found))

    def literal(self, text: str) -> str:
        return "'" + text.replace("'", "''") + "'"
