"""A tenant's first request in a web worker, with and without the tenants' routing read at
the worker's start (TENANT_ROUTING_PRELOAD, apps.tenants.routing.routing_preload).

N tenants (created by the template copy if missing: tests/perf/_tenants.py; --keep reuses
the soak's database), every tenant's routing and plan limits warmed in Redis first (the
steady state). Then, in one process, through the WSGI application as gunicorn calls it,
alternating blocks of requests to the open catalog (GET /api/v1/catalog/items/), each
block on a new database connection (a backend new to the block's schemas, as with
DB_CONN_MAX_REQUESTS), each request at a tenant this process has not served:

- `first`: the process keeps nothing (as a worker started without the preload);
- `preloaded`: routing_preload() ran before the block (outside its timing);
- `hot`: one of 10 tenants the process serves all the time, for scale.

Per block: the process's CPU per request (mean), the PostgreSQL backend's CPU per request,
wall p50 and mean, Redis round trips per request; medians over the rounds, and the
preload itself: values kept, CPU and wall time, and the process's RSS growth the first
time (what a worker carries).

    PERF_DB=perf_soak .venv/bin/python tests/perf/worker_start.py 10000 --keep
    .venv/bin/python tests/perf/worker_start.py 500          # a throwaway database
"""

import argparse
import json
import os
import random
import statistics
import time

from _setup import PERF_DB
from _tenants import perf_database_kept, tenant_host, tenant_slugs, tenants_ensure

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.perf.settings_perf"
os.environ["TENANT_ROUTING_PRELOAD"] = "false"  # this script calls it, in its blocks
os.environ.setdefault("TENANT_ROUTING_CACHE_SECONDS", str(7 * 24 * 3600))  # warmed once, for the whole run
os.environ.setdefault("DB_CONN_MAX_AGE", "600")
os.environ.setdefault("DB_CONN_MAX_REQUESTS", "0")  # each block opens its own connection
# Each request reads the tenant's schema, as before the catalog's answers were cached (a
# tenant's first request is what is measured, not a cached answer).
os.environ.setdefault("CATALOG_OPEN_CACHE_SECONDS", "0")

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("n", nargs="?", type=int, default=2000, help="tenants (2000)")
parser.add_argument("--keep", action="store_true", help="reuse the perf database if there, and keep it")
parser.add_argument("--block", type=int, default=500, help="requests per block (500)")
parser.add_argument("--rounds", type=int, default=3, help="blocks of each kind, alternating (3)")
cli = parser.parse_args()
PREFIX, PATH, HOT = "soak", "/api/v1/catalog/items/", 10
if cli.n < HOT + 2 * cli.block * cli.rounds:
    parser.error(f"n must be at least {HOT + 2 * cli.block * cli.rounds}: every first and preloaded request is "
                 "at a tenant not served before")
TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb() -> float:
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS")) / 1024


with perf_database_kept(keep=cli.keep):
    import redis
    from django.db import connection, connections
    from django.test import RequestFactory

    from apps.billing.limits import tenant_limits
    from apps.core.cache import forget_local
    from apps.tenants.routing import routing_preload, tenant_for_host

    slugs = tenant_slugs(PREFIX, cli.n)
    created = tenants_ensure(slugs)
    started = time.perf_counter()
    for slug in slugs:  # the steady state: every tenant's routing and plan limits in Redis
        tenant_limits(tenant=tenant_for_host(tenant_host(slug)))
    warm_s = time.perf_counter() - started
    forget_local()
    connections.close_all()

    from platform_.wsgi import application  # as a worker loads it (preload off: the blocks decide)

    round_trips = [0]
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        round_trips[0] += 1
        return execute(self, *args, **options)

    redis.Redis.execute_command = counted
    environ = RequestFactory()._base_environ(PATH_INFO=PATH)

    def get(slug: str) -> None:
        statuses = []
        response = application(dict(environ, HTTP_HOST=tenant_host(slug)),
                               lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(response)
        response.close()
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{PATH} at {slug}: {statuses[0]}")

    preloads = []

    def preload() -> None:
        forget_local()
        before, cpu, wall = rss_mb(), time.process_time(), time.perf_counter()
        kept = routing_preload()
        preloads.append({"values": kept, "cpu_ms": round((time.process_time() - cpu) * 1000),
                         "wall_ms": round((time.perf_counter() - wall) * 1000),
                         "rss_growth_mb": round(rss_mb() - before, 1)})

    hot = slugs[:HOT]
    unseen = slugs[HOT:]
    random.shuffle(unseen)

    def block(kind: str) -> dict:
        if kind == "first":
            forget_local()
        elif kind == "preloaded":
            preload()
        connections.close_all()
        get(hot[0])  # the block's connection (and, for hot, the process's entries)
        backend = connection.connection.info.backend_pid
        backend_cpu = proc_cpu_s(backend)
        round_trips[0] = 0
        walls = []
        cpu = time.process_time()
        for _ in range(cli.block):
            slug = random.choice(hot) if kind == "hot" else unseen.pop()
            began = time.perf_counter()
            get(slug)
            walls.append(time.perf_counter() - began)
        return {"cpu_ms": (time.process_time() - cpu) / cli.block * 1000,
                "db_cpu_ms": (proc_cpu_s(backend) - backend_cpu) / cli.block * 1000,
                "p50_ms": statistics.median(walls) * 1000, "mean_ms": statistics.mean(walls) * 1000,
                "redis_round_trips": round_trips[0] / cli.block}

    for slug in hot * 3:
        get(slug)
    runs = {"hot": [], "first": [], "preloaded": []}
    for _ in range(cli.rounds):
        for kind, found in runs.items():
            found.append(block(kind))
    medians = {kind: {key: round(statistics.median(run[key] for run in found), 3) for key in found[0]}
               for kind, found in runs.items()}
    print(json.dumps({
        "setup": {"tenants": cli.n, "database": PERF_DB, "block": cli.block, "rounds": cli.rounds,
                  "tenants_created": created.get("created"), "redis_warm_s": round(warm_s, 1)},
        "preload": preloads,
        **medians,
        "preloaded_over_first": {key: round(medians["preloaded"][key] / medians["first"][key], 2)
                                 for key in ("cpu_ms", "p50_ms", "mean_ms") if medians["first"][key]},
        "per_round": {kind: [{key: round(value, 3) for key, value in run.items()} for run in found]
                      for kind, found in runs.items()},
    }, indent=2))
