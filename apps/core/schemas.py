"""Questions asked of every tenant schema at once, without a round trip per tenant: the
schemas holding a table (the template new schemas are copied from excluded), and one
`UNION ALL` query per 200 schemas. Used by the event sweep and the ops portal's
cross-tenant counts (notification and webhook failures)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

logger = logging.getLogger(__name__)

CHUNK = 200


def schemas_with_table(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = %s "
                       "AND table_schema NOT IN (%s, %s) ORDER BY table_schema",
                       [table, settings.TENANT_TEMPLATE_SCHEMA, settings.PUBLIC_SCHEMA_NAME])
        return [schema for (schema,) in cursor.fetchall()]


def across_schemas(table: str, select: str, params: list | tuple = ()) -> list[tuple]:
    """Rows of `SELECT <schema name>, <select> FROM "<schema>".<table> ...` over every schema
    holding `table`. `select` is the rest of the query after the FROM's table (it may use
    %s placeholders, filled from `params` for each schema), e.g.
    `"count(*) FROM {table} WHERE status = %s"`; `{table}` is replaced by the qualified table."""
    rows = []
    schemas = schemas_with_table(table)
    for start in range(0, len(schemas), CHUNK):
        chunk = schemas[start:start + CHUNK]
        sql = " UNION ALL ".join(f"(SELECT %s, {select.format(table=f'{_quote(schema)}.{table}')})"
                                 for schema in chunk)
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for schema in chunk for value in (schema, *params)])
            rows += cursor.fetchall()
    return rows


def _quote(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


def in_each_schema(schemas: Iterable[str], work: Callable[[], object], *, what: str) -> dict[str, object]:
    """{schema: what `work()` returned} for the schemas where it did something, each run
    in its own schema: one workspace's failure is logged and the others still get their
    turn (beat work of a business module over its workspaces)."""
    results = {}
    for schema in schemas:
        try:
            with schema_context(schema):
                done = work()
        except Exception:  # noqa: BLE001 - the next workspace must still get its turn
            logger.exception("%s failed in schema %s", what, schema)
            continue
        if done:
            results[schema] = done
    return results
