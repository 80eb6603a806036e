"""What a schema consists of, read from PostgreSQL's catalog with the schema's own name
taken out, so two schemas compare equal exactly when their objects do (tables, columns
and types, defaults, identity, constraints, indexes, sequences, triggers, comments,
migration rows and row counts)."""

from __future__ import annotations

import re


def schema_signature(cursor, schema: str) -> dict[str, list]:
    own = re.compile(rf'(?<![\w"])(?:"{re.escape(schema)}"|{re.escape(schema)})\.')

    def rows(sql: str) -> list:
        cursor.execute(sql, [schema])
        return sorted(tuple(own.sub("<schema>.", v) if isinstance(v, str) else v for v in row)
                      for row in cursor.fetchall())

    cursor.execute("SET LOCAL search_path TO pg_catalog")  # every name in a definition qualified
    signature = {
        "relations": rows("SELECT relname, relkind::text, relpersistence::text FROM pg_class "
                          "WHERE relnamespace = %s::regnamespace"),
        "columns": rows("""
            SELECT r.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   a.attidentity::text, a.attgenerated::text, pg_get_expr(d.adbin, d.adrelid),
                   col_description(r.oid, a.attnum), a.attstorage::text, a.attcollation::regcollation::text
            FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE r.relnamespace = %s::regnamespace AND r.relkind = 'r' AND a.attnum > 0
              AND NOT a.attisdropped"""),
        "constraints": rows("""
            SELECT r.relname, c.conname, c.contype::text, pg_get_constraintdef(c.oid), c.condeferrable,
                   c.condeferred, c.convalidated
            FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
            WHERE r.relnamespace = %s::regnamespace"""),
        "indexes": rows("""
            SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE i.relnamespace = %s::regnamespace"""),
        "sequences": rows("""
            SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                   s.seqcache, s.seqcycle, d.deptype::text, t.relname, a.attname
            FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
            LEFT JOIN pg_depend d ON d.objid = c.oid AND d.deptype IN ('a', 'i')
            LEFT JOIN pg_class t ON t.oid = d.refobjid
            LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE c.relnamespace = %s::regnamespace"""),
        "triggers": rows("""
            SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid
            WHERE r.relnamespace = %s::regnamespace AND NOT t.tgisinternal"""),
        "comments": rows("""
            SELECT r.relname, obj_description(r.oid, 'pg_class') FROM pg_class r
            WHERE r.relnamespace = %s::regnamespace AND obj_description(r.oid, 'pg_class') IS NOT NULL"""),
        "functions": rows("SELECT proname FROM pg_proc WHERE pronamespace = %s::regnamespace"),
        "types": rows("SELECT typname, typtype::text FROM pg_type WHERE typnamespace = %s::regnamespace"),
    }
    cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')
    signature["migrations"] = cursor.fetchall()
    counts = []
    for (table,) in rows("SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'r'"):
        cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
        counts.append((table, cursor.fetchone()[0]))
    signature["row counts"] = counts
    positions = []
    for (sequence,) in rows("SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'S'"):
        cursor.execute(f'SELECT last_value, is_called FROM "{schema}"."{sequence}"')
        positions.append((sequence, *cursor.fetchone()))
    signature["sequence positions"] = positions
    cursor.execute("RESET search_path")
    return signature
