"""Order numbers and ids taken inside the order's transaction.

The workspace's numbers are sequential without gaps: the single OrderNumber row is
incremented with one UPDATE ... RETURNING, which holds its row lock until the order's
transaction ends (a rolled-back order gives its number back). The order's id comes from
its table's sequence ahead of the insert, so that the coupon's redemption can name the
order before the order row exists (ids may have gaps; numbers may not)."""

from __future__ import annotations

import hashlib
import json

from django.db import connection

from .models import Order, OrderNumber


def order_number_next() -> int:
    table = connection.ops.quote_name(OrderNumber._meta.db_table)
    with connection.cursor() as cursor:
        # The row is made by migration 0001; the upsert also covers a schema restored without it.
        cursor.execute(f"INSERT INTO {table} (id, last) VALUES (1, 1) "
                       f"ON CONFLICT (id) DO UPDATE SET last = {table}.last + 1 RETURNING last")
        return cursor.fetchone()[0]


def order_id_next() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Order._meta.db_table])
        return cursor.fetchone()[0]


def request_fingerprint(payload: dict) -> str:
    """A stable digest of what an order request asked for (Idempotency-Key replays must
    ask for the same)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
