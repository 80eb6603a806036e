"""Persistent database connections recycled after a number of requests, not only by age.

A PostgreSQL backend keeps the catalog entries of every relation it has touched for as long
as it lives: 30-70 KB per tenant schema whose tables it has read, depending on the tables
(measured: tests/perf/soak_tenants.py). With requests spread over many tenants, a
long-lived connection grows towards that times the number of tenants, the
mechanism behind PostgreSQL running out of memory at a few thousand schemas. CONN_MAX_AGE
bounds a connection's life in seconds, so a busy worker still serves thousands of tenants
on one connection; `CONN_MAX_REQUESTS` (a key of the DATABASES entry, platform_/settings)
also closes it after that many requests, and the next request opens a fresh backend.
0 or None: never by count.
"""

from django.core.signals import request_finished
from django.db import connections


def close_after_max_requests(**kwargs) -> None:
    """request_finished: count the request on each open connection; close one that reached
    its CONN_MAX_REQUESTS. A connection opened anew (closed by age, by an error, by us)
    starts from zero: the count belongs to the underlying connection object."""
    for connection in connections.all(initialized_only=True):
        limit = connection.settings_dict.get("CONN_MAX_REQUESTS")
        raw = connection.connection
        if not limit or raw is None:
            continue
        if connection.in_atomic_block:  # never end a transaction someone holds (tests wrap requests in one)
            continue
        if getattr(connection, "_recycle_raw", None) is not raw:
            connection._recycle_raw, connection._recycle_requests = raw, 0
        connection._recycle_requests += 1
        if connection._recycle_requests >= limit:
            connection._recycle_raw = None
            connection.close()


def connect_signals() -> None:
    request_finished.connect(close_after_max_requests, dispatch_uid="core.db.close_after_max_requests")


def xact_lock(name: str) -> None:
    """Take the transaction-scoped PostgreSQL advisory lock called `name` (hashed to a key):
    writers that take the same name run one after another until their transactions end.
    Call inside transaction.atomic()."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
