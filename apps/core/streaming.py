"""Reading a queryset of any size a chunk at a time (CSV exports of 100,000 rows and more).

`rows_streamed` iterates with a PostgreSQL server-side cursor (`QuerySet.iterator`,
DISABLE_SERVER_SIDE_CURSORS left False) inside a transaction of its own. Outside a
transaction Django declares the cursor WITH HOLD, and PostgreSQL then runs the whole query
and stores every row on the server before the first one comes back (100,000 audit rows:
150 ms before the first row against 26 ms; 1,000,000: 1.5 s against 0.12 s, measured).
Inside one, rows come as the query produces them; the process holds one chunk (plus the
chunk's prefetched relations) whatever the total. A cursor that lives within one
transaction also works through a pooler in transaction mode, where a WITH HOLD cursor
would not (we pool by session anyway: search_path).

The transaction lasts as long as the download; a client that goes away closes the
response, which closes the generator and rolls the (read-only) transaction back.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.db import transaction
from django.db.models import QuerySet


def rows_streamed(queryset: QuerySet, *, chunk_size: int) -> Iterator:
    """The queryset's rows, fetched `chunk_size` at a time through one server-side cursor;
    `prefetch_related` lookups are fetched per chunk (Django does this for iterator() with
    a chunk size), so a related row costs no query of its own."""
    with transaction.atomic(using=queryset.db):
        yield from queryset.iterator(chunk_size=chunk_size)


def chunks_streamed(queryset: QuerySet, *, chunk_size: int) -> Iterator[list]:
    """`rows_streamed` a list of up to `chunk_size` rows at a time, for a caller that reads
    related rows per chunk itself (one `values_list` query per relation and chunk, cheaper
    than `prefetch_related`, which builds a queryset per row)."""
    rows = rows_streamed(queryset, chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        yield chunk
