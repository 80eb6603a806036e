"""Many tenants on one machine: N empty tenants (copied from the schema template, rows in
bulk: tests/perf/_tenants.py), then requests through gunicorn (2 sync workers, DEBUG off),
each at a random tenant's host, on an endpoint that reads the tenant's schema (the open
catalog, GET /api/v1/catalog/items/: items with their options, prices and images). Per
connection-recycling variant, alternating rounds (medians):

- wrk over the first K tenants ("hot", K=10) then over all N ("spread"): req/s, p50/p99,
  workers' and backends' CPU per request (and their sum's ratio, `cpu_ratio`), and
  p99(spread) / p99(hot) (target <= 1.2) of the medians,
  and per round (each spread run over the hot run just before it; `per_round`); first with the
  workers saturated (4 connections on 2 workers: a latency is mostly time queued, and the
  ratio follows the throughput), then the same pair at a set rate below capacity (`paced`:
  --paced, half the first hot run's req/s by default), where a latency is the request's own;
- gunicorn worker RSS before and after (and how many workers were replaced);
- PostgreSQL backend memory: the backends serving gunicorn (found in pg_stat_activity by
  application_name), RssAnon (private: the catalog caches) and VmRSS from /proc (the
  project-local server runs on this machine), sampled every 0.2 s during the runs (peak,
  backends seen) and after them; with persistent connections, the growth per tenant
  schema a backend touched;
- disk and catalog size per empty tenant (database size, files, catalog tables: growth over
  the database before any soak tenant, kept as the database's comment).

Variants (--variants): age0 (a connection per request), age60 (kept 60 s, no count: the
previous default), age600, count (kept 60 s and closed after --max-requests requests:
DB_CONN_MAX_REQUESTS, apps/core/db.py, the default), count-nopreload (count, but the workers
start without the tenants' routing: TENANT_ROUTING_PRELOAD=false, as before 2026-12-04),
count-nocache (count, but the catalog's answers are not cached: CATALOG_OPEN_CACHE_SECONDS=0,
as before 2026-12-04 15:00: every request reads the tenant's schema), gunicorn (no count;
workers replaced after --worker-max-requests, as docker/entrypoint.sh). Where the answers are
cached, one request at each tenant first puts its answer in Redis (`answers_warm_s`).
The per-tenant cache entries of a request (its host's routing, its plan limits) are warmed
in Redis for every tenant before each variant (plan limits are kept 10 minutes, less than a
run of every variant): they cost no query in the steady state, and what is compared is the
cost of many schemas, not of cold cache entries. Each worker then reads them into its
memory as it starts (TENANT_ROUTING_PRELOAD), as a worker does after a deploy.

Creating 10,000 tenants takes long: --keep leaves the database (and its tenants) in place
and the next run with --keep reuses it, creating only the missing ones (--fresh: start
over). It refuses to start when the projected disk use would leave less than 10 GB free.

Before the variants, every tenant's catalog query is planned once (`catalog_warm`): its
catalog pages then sit in PostgreSQL's shared buffers if they fit. At 10,000 tenants they
take about 2 GB: start the local server with more than its default 128MB first.

    make stop && LOCAL_PG_SHARED_BUFFERS=3GB make services
    bash tests/tools/ensure_system_tools.sh perf      # wrk
    PERF_DB=perf_soak .venv/bin/python tests/perf/soak_tenants.py --keep      # N=10000, 10 s runs, 3 rounds
    PERF_DB=perf_soak PERF_DURATION=5s .venv/bin/python tests/perf/soak_tenants.py 200 --max-requests 50 \
        --worker-max-requests 200 --rounds 2     # small
    PERF_DB=perf_soak .venv/bin/python tests/perf/soak_tenants.py --keep --variants count --profile /tmp/prof
        # where the workers' time goes, hot vs spread, per function (py-spy: pip install py-spy)
"""

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _http
import _profile
from _http import WORKERS, Gunicorn, HttpBenchmarkError, cpu_ns
from _setup import PERF_DB, _admin_connection
from _tenants import footprint, perf_database_kept, schema_footprint, tenant_host, tenant_slugs, tenants_ensure

# Read by the settings (django.setup(), in perf_database_kept) here and in gunicorn.
os.environ.setdefault("TENANT_ROUTING_CACHE_SECONDS", str(7 * 24 * 3600))  # warmed once, for the whole run
os.environ.setdefault("CATALOG_OPEN_CACHE_SECONDS", str(7 * 24 * 3600))  # warmed once per variant

PREFIX = "soak"
PATH = "/api/v1/catalog/items/"
APPLICATION = "soak-web"  # application_name of gunicorn's connections
VARIANTS = {  # name -> gunicorn's environment; MAX: --max-requests, WMAX: --worker-max-requests, JITTER: a tenth
    "age0": {"DB_CONN_MAX_AGE": "0", "DB_CONN_MAX_REQUESTS": "0"},
    "age60": {"DB_CONN_MAX_AGE": "60", "DB_CONN_MAX_REQUESTS": "0"},
    "age600": {"DB_CONN_MAX_AGE": "600", "DB_CONN_MAX_REQUESTS": "0"},
    "count": {"DB_CONN_MAX_AGE": "60", "DB_CONN_MAX_REQUESTS": "MAX"},
    "count-nopreload": {"DB_CONN_MAX_AGE": "60", "DB_CONN_MAX_REQUESTS": "MAX", "TENANT_ROUTING_PRELOAD": "false"},
    "count-nocache": {"DB_CONN_MAX_AGE": "60", "DB_CONN_MAX_REQUESTS": "MAX", "CATALOG_OPEN_CACHE_SECONDS": "0"},
    "gunicorn": {"DB_CONN_MAX_AGE": "60", "DB_CONN_MAX_REQUESTS": "0",
                 "GUNICORN_CMD_ARGS": "--max-requests WMAX --max-requests-jitter JITTER"},
}

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("n", nargs="?", type=int, default=int(os.environ.get("SOAK_N", 10000)),
                    help="tenants (default 10000, or SOAK_N)")
parser.add_argument("--hot", type=int, default=10, help="tenants of the 'hot' run (10)")
parser.add_argument("--variants", default="age0,age60,age600,count,count-nopreload,count-nocache,gunicorn",
                    help=f"comma-separated, of: {', '.join(VARIANTS)}")
parser.add_argument("--max-requests", type=int, default=500, help="requests per connection (count) (500)")
parser.add_argument("--worker-max-requests", type=int, default=1000,
                    help="requests per worker (gunicorn), jitter a tenth of it (1000, as docker/entrypoint.sh)")
parser.add_argument("--keep", action="store_true", help="reuse the perf database if there, and keep it")
parser.add_argument("--fresh", action="store_true", help="with --keep: drop and recreate it first")
parser.add_argument("--rounds", type=int, default=int(os.environ.get("PERF_ROUNDS", 3)),
                    help="hot and spread runs per variant, alternating (3, or PERF_ROUNDS)")
parser.add_argument("--jobs", type=int, default=2, help="schemas copied at once during set-up (2)")
parser.add_argument("--profile", type=Path, metavar="DIR",
                    help="sample the workers with py-spy during each run (files in DIR/<variant>/) and add "
                         "their CPU per request per function, hot vs spread (tests/perf/_profile.py; the "
                         "sampling costs the workers time: latencies of such a run are not the figures)")
parser.add_argument("--paced", type=float, default=0.5, metavar="SHARE",
                    help="after each hot and spread pair, the same pair at a set rate: this share of the "
                         "first hot run's req/s (0.5; 0: none). Saturated, a latency is mostly time queued "
                         "behind other requests; at a set rate below capacity it is the request's own")
cli = parser.parse_args()
variants = [name.strip() for name in cli.variants.split(",") if name.strip()]
if unknown := [name for name in variants if name not in VARIANTS]:
    parser.error(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
if not 0 < cli.hot <= cli.n:
    parser.error("--hot must be between 1 and n")


# --- PostgreSQL backends ---------------------------------------------------------------------

def proc_memory_mb(pid: int) -> dict | None:
    """RssAnon (private memory: catalog caches live there) and VmRSS (also the shared
    buffers the backend touched) of a process, in MB."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    fields = {line.split(":")[0]: int(line.split()[1]) for line in lines if line.startswith(("VmRSS", "RssAnon"))}
    return {"rss_anon_mb": round(fields.get("RssAnon", 0) / 1024, 1),
            "vm_rss_mb": round(fields.get("VmRSS", 0) / 1024, 1)}


class Backends:
    """PostgreSQL backends of gunicorn's connections: a snapshot, or, while `with`, sampled
    every 0.2 s: the peak memory of each backend seen and the CPU time they used."""

    def __init__(self, admin, interval: float = 0.2):
        self.admin, self.interval = admin, interval
        self.peak: dict[int, dict] = {}
        self.cpu: dict[int, list[int]] = {}  # pid -> [first seen, last seen] (ns)

    def pids(self) -> list[int]:
        rows = self.admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
                                  [PERF_DB, APPLICATION]).fetchall()
        return sorted(row[0] for row in rows)

    def snapshot(self) -> dict[int, dict]:
        return {pid: memory for pid in self.pids() if (memory := proc_memory_mb(pid)) is not None}

    def _sample_once(self):
        for pid, memory in self.snapshot().items():
            seen = self.peak.setdefault(pid, memory)
            for key, value in memory.items():
                seen[key] = max(seen[key], value)
            if used := cpu_ns(pid):
                self.cpu.setdefault(pid, [used, used])[1] = used

    def _sample(self):
        while not self._stop.wait(self.interval):
            self._sample_once()

    def __enter__(self):
        self._stop = threading.Event()
        self._sample_once()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample_once()

    def summary(self, requests: int) -> dict:
        """Backends seen; the largest of each one's peak; their CPU time per request (ms;
        what short-lived backends used before they were first sampled is missed)."""
        return {"backends_seen": len(self.peak),
                "peak_rss_anon_mb": max((m["rss_anon_mb"] for m in self.peak.values()), default=None),
                "peak_vm_rss_mb": max((m["vm_rss_mb"] for m in self.peak.values()), default=None),
                "db_cpu_ms": round(sum(last - first for first, last in self.cpu.values()) / 1e6 / requests, 3)}


def backend_figures(snapshot: dict[int, dict]) -> dict:
    return {"backends": len(snapshot), "rss_anon_mb": [memory["rss_anon_mb"] for memory in snapshot.values()],
            "vm_rss_mb": [memory["vm_rss_mb"] for memory in snapshot.values()]}


# --- Requests -------------------------------------------------------------------------------

def random_host_wrk(server: Gunicorn, count: int, duration: str | None = None, rate: float | None = None) -> dict:
    """server.wrk on PATH, each request's Host drawn at random among the first `count`
    tenants: _http's Lua script (2xx check, percentiles) plus a `request` hook.

    Each run draws from a sequence of its own: wrk's Lua starts every run with the same
    seed, so every spread run would otherwise visit the same tenants in the same order as
    the first, which the workers' and the backends' caches then partly hold already.
    `rate` (req/s over all connections): each connection waits connections / rate seconds
    before each request (after its response: a little under `rate` is served), so the
    workers are not kept saturated and a latency is the request's own, not mostly time
    queued behind others. The wait is constant: with random waits (exponential, or uniform
    around the mean) wrk reported tails of tens of ms even on /health/live/ (p99 71 ms
    against 2.25 ms with constant waits, at the same rate)."""
    host_format = tenant_host(PREFIX + "%05d")
    hook = (f'\nmath.randomseed({random.SystemRandom().randrange(1, 2**31)})\n'
            f'local soak_count = {count}\n'
            'function request()\n'
            f'  local host = string.format("{host_format}", math.random(0, soak_count - 1))\n'
            '  return wrk.format(nil, nil, {["Host"] = host})\n'
            'end\n')
    if rate:
        hook += (f'local soak_delay_ms = {_http.CONNECTIONS * 1000 / rate}\n'
                 'function delay() return soak_delay_ms end\n')
    plain = _http._WRK_SCRIPT
    _http._WRK_SCRIPT = plain + hook  # read by Gunicorn.wrk when it writes the script
    try:
        return server.wrk(PATH, host=tenant_host(f"{PREFIX}00000"),
                          **({"duration": duration} if duration else {}))
    finally:
        _http._WRK_SCRIPT = plain


def measured_wrk(server: Gunicorn, admin, count: int, profile: tuple[Path, str] | None = None,
                 rate: float | None = None) -> dict:
    sampling = _profile.sampled(server.worker_pids(), *profile) if profile else contextlib.nullcontext()
    with Backends(admin) as backends, sampling:
        figures = random_host_wrk(server, count, rate=rate)
    return {**figures, **backends.summary(figures["requests"])}


def merged(runs: list[dict], tenants: int) -> dict:
    """Medians over the rounds; peaks are the largest; requests and backends seen add up."""
    peaks, sums = ("peak_rss_anon_mb", "peak_vm_rss_mb"), ("requests", "backends_seen")
    figures = {key: (max if key in peaks else sum if key in sums else statistics.median)(
        [run[key] for run in runs if run[key] is not None] or [0]) for key in runs[0]}
    return {**{key: round(value, 3) for key, value in figures.items()}, "rounds": len(runs), "tenants": tenants}


def per_round_ratio(spread_runs: list[dict], hot_runs: list[dict], key: str) -> dict:
    ratios = [spread[key] / hot[key] for spread, hot in zip(spread_runs, hot_runs, strict=True)]
    return {"median": round(statistics.median(ratios), 2), "rounds": [round(r, 2) for r in ratios]}


def compared(hot_runs: list[dict], spread_runs: list[dict]) -> dict:
    """Hot and spread (medians over the rounds) and spread / hot, of the medians and per round."""
    hot, spread = merged(hot_runs, cli.hot), merged(spread_runs, cli.n)
    return {
        "hot": hot, "spread": spread,
        "p99_ratio": round(spread["p99_ms"] / hot["p99_ms"], 2),
        "p50_ratio": round(spread["p50_ms"] / hot["p50_ms"], 2),
        # What a request costs the machine, workers' and PostgreSQL's CPU together: less
        # swayed than a latency by what else the machine runs meanwhile.
        "cpu_ratio": round((spread["cpu_ms"] + spread["db_cpu_ms"]) / (hot["cpu_ms"] + hot["db_cpu_ms"]), 2),
        # Each round's spread over the hot run just before it (as request_path.py): the
        # machine's speed drifts within minutes, and a ratio of medians mixes rounds.
        "per_round": {key: per_round_ratio(spread_runs, hot_runs, key) for key in ("p99_ms", "p50_ms")},
    }


def expected_new_schemas(requests_per_backend: float, n: int, hot: int) -> float:
    """Schemas outside the hot ones a backend touches, in expectation, in that many uniform draws."""
    return (n - hot) * (1 - (1 - 1 / n) ** requests_per_backend)


def run_variant(name: str, admin, database_url: str) -> dict:
    values = {"WMAX": cli.worker_max_requests, "MAX": cli.max_requests, "JITTER": cli.worker_max_requests // 10}
    env = dict(VARIANTS[name])
    for placeholder, value in values.items():
        env = {key: setting.replace(placeholder, str(value)) for key, setting in env.items()}
    env["DATABASE_URL"] = f"{database_url}?application_name={APPLICATION}"
    backends = Backends(admin)
    hot_runs, spread_runs, paced_hot, paced_spread, rate = [], [], [], [], None
    with Gunicorn("tests.perf.settings_perf", env=env) as server:
        status, body = server.get(PATH, host=tenant_host(f"{PREFIX}00000"))
        if status != 200:
            raise SystemExit(f"{PATH} answered {status}: {body[:500]!r}")
        answers_warm_s = answers_warm(server, env)
        random_host_wrk(server, cli.hot, duration="2s")  # warm: imports, connections, the hot schemas
        workers_before, pids_before, before = server.worker_rss_mb(), set(server.worker_pids()), backends.snapshot()
        profile = cli.profile / name if cli.profile else None
        if profile:
            _profile.clear(profile)  # an earlier run's samples would count against this run's requests
        for round_ in range(cli.rounds):  # alternating, so that load elsewhere affects both alike
            hot_runs.append(measured_wrk(server, admin, cli.hot, profile and (profile, "hot")))
            if round_ == 0:
                after_hot = backends.snapshot()
            spread_runs.append(measured_wrk(server, admin, cli.n, profile and (profile, "spread")))
            if cli.paced:  # the same pair at a set rate, a share of what the first hot run served
                rate = rate or round(hot_runs[0]["req_per_s"] * cli.paced)
                paced_hot.append(measured_wrk(server, admin, cli.hot, rate=rate))
                paced_spread.append(measured_wrk(server, admin, cli.n, rate=rate))
        workers_after, after = server.worker_rss_mb(), backends.snapshot()
        restarted = len(set(server.worker_pids()) - pids_before)
    saturated = compared(hot_runs, spread_runs)
    result = {
        "env": {key: value for key, value in env.items() if key != "DATABASE_URL"},
        **({"answers_warm_s": answers_warm_s} if answers_warm_s is not None else {}),
        **saturated,
        **({"paced": {"req_per_s": rate, **compared(paced_hot, paced_spread)}} if cli.paced else {}),
        "worker_rss_mb": {"before": workers_before, "after": workers_after, "workers_replaced": restarted},
        "backend_memory": {"before": backend_figures(before), "after_first_hot": backend_figures(after_hot),
                           "after": backend_figures(after)},
    }
    if profile:
        result["profile"] = _profile.compare(profile, {"hot": sum(run["requests"] for run in hot_runs),
                                                       "spread": sum(run["requests"] for run in spread_runs)})
    # The same backends from the first hot run to the end (persistent connections): how much
    # each grew per schema it touched in the spread runs (the hot runs touch no new one).
    if after and set(after) == set(after_hot) and len(after) == WORKERS:
        per_backend = sum(run["requests"] for run in (*spread_runs, *paced_spread)) / WORKERS
        growth_mb = sum(after[pid]["rss_anon_mb"] - after_hot[pid]["rss_anon_mb"] for pid in after) / len(after)
        new = expected_new_schemas(per_backend, cli.n, cli.hot)
        result["growth"] = {"requests_per_backend": round(per_backend), "new_schemas_per_backend": round(new),
                            "rss_anon_growth_mb": round(growth_mb, 1),
                            "kb_per_schema": round(growth_mb * 1024 / new, 1) if new >= 1 else None}
    return result


# --- PostgreSQL's shared buffers ----------------------------------------------------------

def _block_counts(admin) -> tuple[int, int]:
    return admin.execute("SELECT blks_read, blks_hit FROM pg_stat_database WHERE datname = %s", [PERF_DB]).fetchone()


def answers_warm(server: Gunicorn, env: dict) -> float | None:
    """With the catalog's answers cached (CATALOG_OPEN_CACHE_SECONDS, apps.catalog), one
    request at each tenant first, so that every tenant's answer is in Redis as on a server
    whose tenants all get visitors (the steady state, like the routing warmed for each
    variant). The seconds it took; None when the variant caches nothing."""
    if env.get("CATALOG_OPEN_CACHE_SECONDS", os.environ["CATALOG_OPEN_CACHE_SECONDS"]) == "0":
        return None
    started = time.perf_counter()

    def visit(index: int) -> None:
        status, body = server.get(PATH, host=tenant_host(f"{PREFIX}{index:05d}"))
        if status != 200:
            raise SystemExit(f"{PATH} answered {status}: {body[:500]!r}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(visit, range(cli.n)))
    return round(time.perf_counter() - started, 1)


def catalog_warm(admin, slugs: list[str]) -> dict:
    """Every tenant's PATH query planned once (its pages in shared buffers), as on a server
    whose tenants all get requests: what a request at a random one of N tenants then costs
    is the steady state, as with the Redis entries warmed for each variant. Planning a
    query in a schema reads the catalog rows of its tables and indexes; PostgreSQL keeps
    the pages in shared buffers if they fit (LOCAL_PG_SHARED_BUFFERS, .env.example). If
    they do not, each request at a random tenant reads them again: with the default 128MB
    at 10,000 tenants, the backends' CPU per request doubled and p99 was 2.2x (see README).

    Reports the pass's time (a cold start's cost: the pages read from disk or the OS),
    the blocks it read from outside shared buffers and found in them, per tenant, and
    shared_buffers; warns when the blocks read would not fit."""
    from django.db import connection, connections

    from apps.catalog.selectors import item_list_open
    from apps.tenants.routing import tenant_for_host

    read_before, hit_before = _block_counts(admin)
    started = time.perf_counter()
    for done, slug in enumerate(slugs, start=1):
        connection.set_tenant(tenant_for_host(tenant_host(slug)))
        list(item_list_open()[:1])
        if done % 1000 == 0:  # a backend keeps each schema's catalog entries: start afresh
            connections.close_all()
    connections.close_all()
    seconds = time.perf_counter() - started
    time.sleep(1)  # a backend's counts reach pg_stat_database as it exits
    read_after, hit_after = _block_counts(admin)
    shared_buffers, buffers_kb = admin.execute(
        "SELECT current_setting('shared_buffers'), setting::bigint * 8 FROM pg_settings WHERE name = 'shared_buffers'"
    ).fetchone()
    read_kb = (read_after - read_before) * 8
    if read_kb > buffers_kb * 0.8:
        print(f"[soak] the catalog pages of {len(slugs)} tenants ({read_kb // 1024} MB read) do not fit in "
              f"shared_buffers={shared_buffers}: every spread request reads them again. Restart the local "
              "PostgreSQL with more: make stop && LOCAL_PG_SHARED_BUFFERS=3GB make services.",
              file=sys.stderr)
    return {"seconds": round(seconds, 1), "shared_buffers": shared_buffers,
            "kb_read_per_tenant": round(read_kb / len(slugs), 1),
            "blocks_hit_per_tenant": round((hit_after - hit_before) / len(slugs), 1)}


# --- Footprint ------------------------------------------------------------------------------

def footprint_baseline(admin) -> dict | None:
    """The footprint before any soak tenant, kept as the database's comment (a kept database
    remembers it across runs). None for a database that had tenants before it was recorded."""
    from apps.tenants.models import Tenant

    row = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                        [PERF_DB]).fetchone()
    if row and row[0]:
        return json.loads(row[0])
    if Tenant.objects.filter(schema_name__startswith=PREFIX).exists():
        return None
    from psycopg import sql

    baseline = footprint()
    admin.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(PERF_DB),
                                                                  sql.Literal(json.dumps(baseline))))
    return baseline


def per_tenant(baseline: dict | None, now: dict, schema: str) -> dict:
    """Growth of the database since the baseline, per soak tenant it holds (it may hold more
    than this run uses, from an earlier run with a larger N)."""
    from apps.tenants.models import Tenant

    n = Tenant.objects.filter(schema_name__startswith=PREFIX).count()
    figures = {"tenants": n, "schema": schema_footprint(schema)}
    if baseline is not None:
        figures["database_bytes"] = round((now["database_bytes"] - baseline["database_bytes"]) / n)
        figures["files"] = round((now["files"] - baseline["files"]) / n, 1)
        figures["catalog_bytes"] = {name: round((size - baseline["catalog_bytes"][name]) / n)
                                    for name, size in now["catalog_bytes"].items()}
    return figures


def main() -> None:
    _, admin = _admin_connection()
    with perf_database_kept(keep=cli.keep, fresh=cli.fresh) as database:
        from apps.billing.limits import tenant_limits
        from apps.core.cache import forget_local
        from apps.tenants.routing import tenant_for_host
        from apps.tenants.schema_template import template_ensure

        template_ensure()
        baseline = footprint_baseline(admin)
        slugs = tenant_slugs(PREFIX, cli.n)
        created = tenants_ensure(slugs, jobs=cli.jobs)
        now = footprint()
        from django.db import connections

        catalog = catalog_warm(admin, slugs)
        results, cache_warm_s = {}, []
        for name in variants:
            started = time.perf_counter()
            forget_local()  # read from Redis (and rebuilt there when expired), not this process's copies
            for slug in slugs:
                tenant_limits(tenant=tenant_for_host(tenant_host(slug)))
            cache_warm_s.append(round(time.perf_counter() - started, 1))
            connections.close_all()
            try:
                results[name] = run_variant(name, admin, os.environ["DATABASE_URL"])
            except HttpBenchmarkError as exc:  # e.g. workers restarting all through a short run
                results[name] = {"error": str(exc)}
        print(json.dumps({
            "setup": {"tenants": cli.n, "hot": cli.hot, "path": PATH, "workers": WORKERS,
                      "duration": os.environ.get("PERF_DURATION", "10s"), "connections": _http.CONNECTIONS,
                      "max_requests": cli.max_requests, "worker_max_requests": cli.worker_max_requests,
                      "rounds": cli.rounds, "database_reused": database["reused"],
                      "cache_warm_s": cache_warm_s, "tenants_created": created, "catalog_warm": catalog},
            "per_empty_tenant": per_tenant(baseline, now, slugs[0]),
            "database_total": now,
            "variants": results,
        }, indent=2))
    admin.close()


main()
