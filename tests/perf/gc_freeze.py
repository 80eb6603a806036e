"""The garbage collector on the request path, as a web worker sets it (platform_/wsgi.py:
`gc.freeze()` of what it loaded, then GC_THRESHOLDS) against Python's defaults: requests
to the customers' item list (GET /api/v1/catalog/items/, 20 items with options) in one
process, through the WSGI application itself as gunicorn calls it (Django's test Client
would add garbage of its own: it connects signal receivers on every request), in
alternating blocks per setting, same process, same requests:

- `defaults`: `gc.unfreeze()` (the start-up objects back in the oldest generation) and
  Python's thresholds (700, 10, 10), as before;
- `worker`: frozen and GC_THRESHOLDS, as platform_/wsgi.py leaves a worker;
- `frozen-700`, `frozen-5000`, `frozen-50000` (but the worker's own): frozen, a young
  collection every 700, 5,000 or 50,000 net allocations (the figures behind GC_THRESHOLDS).

Per block: milliseconds per request (wall and CPU, p50 and p99), the collector's share of
them and its longest pause, full (generation 2) collections and their longest pause, and
the objects a full collection walks.

    .venv/bin/python tests/perf/gc_freeze.py
"""

import gc
import json
import statistics
import time

from _setup import perf_database

BLOCK, ROUNDS = 1000, 3

with perf_database():
    from django.core.cache import cache
    from django.db import connection
    from django.test import RequestFactory, override_settings
    from django_tenants.utils import schema_context

    from apps.catalog.services import category_create, item_create
    from tests.plugin import create_provisioned

    # No 429 among the requests measured; each one builds its answer (not the catalog's cache).
    override_settings(RATELIMIT_ANON_PER_MINUTE=10**9, CATALOG_OPEN_CACHE_SECONDS=0).enable()
    cache.delete_pattern("tenants:*")
    tenant = create_provisioned(slug="perf-gc", name="Perf GC", business_type="food", owner_email="owner@perf-gc.test")
    with schema_context(tenant.schema_name):
        category = category_create(actor=None, name="Coffee")
        for n in range(20):
            item_create(actor=None, name=f"Item {n}", price=4500, kind="menu_item", category=category,
                        option_groups=[{"name": "Size", "options": [{"name": "Regular"},
                                                                    {"name": "Large", "price_delta": 500}]}])
    connection.set_schema_to_public()

    from platform_.wsgi import GC_THRESHOLDS, application  # loads both URLconfs and freezes, as in a worker

    frozen_at_start = gc.get_freeze_count()
    environ = RequestFactory()._base_environ(PATH_INFO="/api/v1/catalog/items/", HTTP_HOST="perf-gc.localhost")

    def get() -> str:
        answer = []
        response = application(dict(environ), lambda status, headers, exc_info=None: answer.append(status))
        b"".join(response)
        response.close()
        return answer[0]

    pauses: list[tuple[int, float]] = []
    started: list[float] = []

    def on_gc(phase, info):
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            pauses.append((info["generation"], time.perf_counter() - started.pop()))

    def block() -> dict:
        gc.collect()
        walked = len(gc.get_objects())  # what a full collection walks now (frozen objects are not listed)
        pauses.clear()
        gc.callbacks.append(on_gc)
        wall, cpu, each = time.perf_counter(), time.process_time(), []
        try:
            for _ in range(BLOCK):
                began = time.perf_counter()
                status = get()
                each.append(time.perf_counter() - began)
                assert status.startswith("200"), status
        finally:
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            gc.callbacks.remove(on_gc)
        full = [seconds for generation, seconds in pauses if generation == 2]
        cuts = statistics.quantiles(each, n=100)
        return {"ms_per_request": round(wall * 1000 / BLOCK, 3), "cpu_ms_per_request": round(cpu * 1000 / BLOCK, 3),
                "p50_ms": round(cuts[49] * 1000, 2), "p99_ms": round(cuts[98] * 1000, 2),
                "longest_pause_ms": round(max((seconds for _, seconds in pauses), default=0) * 1000, 1),
                "gc_ms_per_request": round(sum(seconds for _, seconds in pauses) * 1000 / BLOCK, 3),
                "full_collections": len(full), "longest_full_ms": round(max(full, default=0) * 1000, 1),
                "objects_walked": walked}

    for _ in range(200):  # warm: imports, connections, caches
        get()
    worker_thresholds = gc.get_threshold()
    assert worker_thresholds == GC_THRESHOLDS, worker_thresholds
    modes = {"defaults": (False, (700, 10, 10)), "worker": (True, GC_THRESHOLDS),
                **{f"frozen-{young}": (True, (young, 10, 10))
                   for young in (700, 5_000, 50_000) if young != GC_THRESHOLDS[0]}}
    runs = {label: [] for label in modes}
    for _ in range(ROUNDS):
        for label, (frozen, thresholds) in modes.items():
            gc.unfreeze()
            gc.collect()
            if frozen:
                gc.freeze()
            gc.set_threshold(*thresholds)
            runs[label].append(block())

    def median(label: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[label])

    keys = list(runs["worker"][0])
    medians = {label: {key: median(label, key) for key in keys} for label in runs}
    print(json.dumps({
        "requests_per_block": BLOCK, "rounds": ROUNDS, "frozen_at_start": frozen_at_start,
        "gc_thresholds": {"defaults": [700, 10, 10], "worker": list(GC_THRESHOLDS)},
        "median": medians,
        "worker_vs_defaults": {key: round(medians["worker"][key] / medians["defaults"][key], 2) for key in (
            "ms_per_request", "cpu_ms_per_request", "p50_ms", "p99_ms", "gc_ms_per_request")},
        "runs": runs,
    }, indent=2))
