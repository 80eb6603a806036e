"""Stock can never be oversold: 20 threads, each on its own database connection and in its
own transaction (as 20 order requests would be), take 1 unit of an item with 5 left;
exactly 5 succeed and the stock ends at 0.

Left to chance, the threads rarely meet at the UPDATE. So the test holds a gate (a lock
on the item row, in its own connection) until every thread waits on it, then lets go:
all 20 have passed every check before the guarded step and only the guard decides
(the pattern of tests/test_concurrency_guards.py)."""

from __future__ import annotations

import threading
import time

from django.db import connection, connections, transaction
from django_tenants.utils import schema_context

from apps.catalog.errors import OutOfStock

THREADS = 20
STOCK = 5


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def test_twenty_concurrent_takes_of_the_last_five_units(committed):
    from apps.catalog.models import Item
    from apps.catalog.services import stock_return, stock_take

    with schema_context("alpha"):
        item = Item.objects.create(name="Last croissants", price=3500, stock=STOCK)
    results: list = [None] * THREADS
    start = threading.Barrier(THREADS + 1)

    def order(index):
        try:
            start.wait()
            with schema_context("alpha"), transaction.atomic():  # this thread's own connection
                stock_take(item_id=item.pk, quantity=1)
            results[index] = "taken"
        except OutOfStock as refused:
            results[index] = refused
        except Exception as error:  # reported by the assertions
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=order, args=(i,), daemon=True) for i in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        with schema_context("alpha"):
            with transaction.atomic():
                Item.objects.select_for_update().get(pk=item.pk)  # the gate
                start.wait()
                deadline = time.monotonic() + 30
                while (waiting := _waiting_on_locks()) < THREADS and time.monotonic() < deadline:
                    time.sleep(0.05)
            for thread in threads:
                thread.join(timeout=60)
            assert waiting >= THREADS, f"only {waiting} of {THREADS} takes reached the gate: {results}"
            taken = [r for r in results if r == "taken"]
            refused = [r for r in results if isinstance(r, OutOfStock)]
            assert len(taken) == STOCK and len(refused) == THREADS - STOCK, results
            assert all(r.details == {"item": item.pk, "name": "Last croissants", "left": 0} for r in refused)
            item.refresh_from_db()
            assert item.stock == 0
            stock_return(item_id=item.pk, quantity=2)  # a cancelled order gives its units back
            item.refresh_from_db()
            assert item.stock == 2
    finally:
        with schema_context("alpha"):
            Item.objects.filter(pk=item.pk).delete()
        connection.set_schema_to_public()
