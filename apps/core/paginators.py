"""Admin list pages over tables that grow without bound (audit events, settlement lines,
orders, payments): `paginator = EstimatedCountPaginator`.

Django's changelist counts its rows on every page load (`SELECT count(*)`), which reads
the whole table (or its whole index) however few rows the page shows: milliseconds at
10,000 rows, seconds at tens of millions. The count of an unfiltered list over a table
past `exact_below` rows is PostgreSQL's own estimate instead (what the planner uses: the
rows per page of the last ANALYZE times the pages the table has now), a query of its
catalog that costs the same at any size. A filtered or searched list, or a small table,
is counted exactly: a filter narrows by an index, and the number shown is then exact
where people check it. Pair it with `show_full_result_count = False`, which drops the
second, unfiltered count Django otherwise makes.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

ESTIMATE_SQL = """
    SELECT CASE WHEN c.reltuples < 0 OR c.relpages = 0 THEN NULL
                ELSE c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int)
           END
    FROM pg_class c WHERE c.oid = to_regclass(%s)
"""


def estimated_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows in the queryset's table (the table the connection's
    search_path finds: a tenant's own in a tenant schema); None before its first ANALYZE."""
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute(ESTIMATE_SQL, [connection.ops.quote_name(queryset.model._meta.db_table)])
        row = cursor.fetchone()
    return None if row is None or row[0] is None else round(row[0])


def is_unfiltered(queryset: QuerySet) -> bool:
    """Every row of the table: no WHERE, no DISTINCT, no slice, no UNION."""
    query = queryset.query
    return (not query.where and not query.distinct and not query.combinator and query.low_mark == 0
            and query.high_mark is None)


class EstimatedCountPaginator(Paginator):
    exact_below = 100_000

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet) and is_unfiltered(self.object_list):
            estimate = estimated_rows(self.object_list)
            if estimate is not None and estimate >= self.exact_below:
                return estimate
        return super().count
