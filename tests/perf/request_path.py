"""The request path over HTTP: gunicorn (2 sync workers, DEBUG off) driven by wrk, in one run:

- a trivial DRF view (AllowAny, no database, {"ok": true}; tests/perf/urls_perf.py) on a
  tenant host with the normal middleware vs the same view without the tenant routing
  middleware (tests/perf/settings_perf_no_tenant.py: public schema); under /api/ (rate
  limiting counts it) and outside it;
- GET /api/v1/me/ with a JWT, GET /api/v1/customers/ (20 customers) as the owner;
- /health/live/ and /health/ready/ on the platform host.

Both servers run side by side and the two trivial-view figures are measured in alternating
rounds, so that machine load affects both alike; every ratio is taken per round (the
endpoint and its baseline measured within the same round) and reported as the median over
the rounds with their range, as this machine's speed drifts by tens of percent within
minutes. Every response must be 2xx (the run stops otherwise); the tenant's plan has no
rate limits and the per-user and per-address limits are lifted (settings_perf), so no 429
is measured. Prints JSON: req/s, p50/p90/p99 ms, worker memory, and the ratios the targets
name (tenancy overhead <= 1.2x; /me/ <= 2x and the 20-row list <= 4x the trivial view;
each health endpoint <= 2x).

    bash tests/tools/ensure_system_tools.sh perf      # wrk
    PERF_DB=perf_platform .venv/bin/python tests/perf/request_path.py
    # small: PERF_DURATION=5s PERF_ROUNDS=1 ...   (defaults: 10s per run, 5 rounds)
"""

import json
import os
import statistics

os.environ.setdefault("JWT_ACCESS_MINUTES", "240")  # outlives the whole run

from _http import WORKERS, Gunicorn  # noqa: E402
from _setup import perf_database  # noqa: E402
from _workspace import workspace_with_customers  # noqa: E402

ROUNDS = int(os.environ.get("PERF_ROUNDS", 5))
SLUG = "perf-req"
HOST = f"{SLUG}.localhost"
PUBLIC_HOST = "localhost"
CUSTOMERS = 20
PASSWORD = "perf-pass-123"


def prepare() -> str:
    """The tenant (a plan without rate limits, or none), its owner and 20 customers; the
    owner's access token."""
    from django.db import connection

    from apps.core import heartbeat

    access = workspace_with_customers(slug=SLUG, name="Perf Request", customers=CUSTOMERS, password=PASSWORD)
    connection.set_schema_to_public()
    heartbeat.beat()  # as if a worker ran: /health/ready/ then answers "ok", not "degraded"
    return access


def check(server: Gunicorn, path: str, host: str, headers: dict | None = None) -> bytes:
    status, body = server.get(path, host=host, headers=headers)
    if not 200 <= status < 300:
        raise SystemExit(f"{host}{path} answered {status}: {body[:500]!r}")
    return body


def cost_ms(figures: dict) -> float:
    """Worker time per request with both workers busy (ms): what the ratios compare."""
    return round(WORKERS * 1000 / figures["req_per_s"], 3)


def median_run(runs: list[dict]) -> dict:
    keys = ("req_per_s", "p50_ms", "p90_ms", "p99_ms", "mean_ms", "cpu_ms")
    merged = {key: round(statistics.median(run[key] for run in runs), 2) for key in keys}
    merged["requests"] = sum(run["requests"] for run in runs)
    merged["rounds"] = len(runs)
    merged["cost_ms"] = cost_ms(merged)
    return merged


with perf_database():
    access = prepare()
    auth = {"Authorization": f"Bearer {access}"}
    endpoints = {  # name -> (path, host, headers)
        "trivial_api": ("/api/v1/perf/ok/", HOST, None),
        "trivial_plain": ("/perf/ok/", HOST, None),
        "me": ("/api/v1/me/", HOST, auth),
        "customers": ("/api/v1/customers/", HOST, auth),
        "health_live": ("/health/live/", PUBLIC_HOST, None),
        "health_ready": ("/health/ready/", PUBLIC_HOST, None),
    }
    baseline_endpoints = ("trivial_api", "trivial_plain")
    runs: dict[str, list[dict]] = {name: [] for name in endpoints}
    runs.update({f"{name}_no_tenant": [] for name in baseline_endpoints})

    with Gunicorn("tests.perf.settings_perf") as tenant_server, \
            Gunicorn("tests.perf.settings_perf_no_tenant") as plain_server:
        for name, (path, host, headers) in endpoints.items():
            body = check(tenant_server, path, host, headers)
            if name == "customers":
                assert len(json.loads(body)["results"]) == CUSTOMERS, body[:300]  # one page (25 a page)
        for name in baseline_endpoints:
            path, host, headers = endpoints[name]
            check(plain_server, path, host, headers)
        for server, names in ((tenant_server, endpoints), (plain_server, baseline_endpoints)):
            for name in names:  # warm both workers (imports, connections, caches)
                path, host, headers = endpoints[name]
                server.wrk(path, host=host, headers=headers, duration="1s")
        for _round in range(ROUNDS):
            for name, (path, host, headers) in endpoints.items():
                runs[name].append(tenant_server.wrk(path, host=host, headers=headers))
                if name in baseline_endpoints:
                    runs[f"{name}_no_tenant"].append(plain_server.wrk(path, host=host, headers=headers))
        memory = {"with_tenant_middleware": tenant_server.worker_rss_mb(),
                  "without_tenant_middleware": plain_server.worker_rss_mb()}

    results = {name: median_run(samples) for name, samples in runs.items()}

    def ratio(name: str, baseline: str) -> dict:
        """Per round (both measured back to back, so a slow spell of the machine touches both),
        the median over the rounds and their range: by throughput (worker time per request),
        by p50 latency, by the workers' CPU per request."""
        pairs = list(zip(runs[name], runs[baseline], strict=True))
        figures = {"by_req_per_s": [base["req_per_s"] / run["req_per_s"] for run, base in pairs],
                   "by_p50": [run["p50_ms"] / base["p50_ms"] for run, base in pairs],
                   "by_cpu": [run["cpu_ms"] / base["cpu_ms"] for run, base in pairs]}
        merged = {key: round(statistics.median(values), 2) for key, values in figures.items()}
        merged["range_by_req_per_s"] = [round(min(figures["by_req_per_s"]), 2), round(max(figures["by_req_per_s"]), 2)]
        return merged

    print(json.dumps({
        "setup": {"workers": WORKERS, "rounds": ROUNDS, "duration": os.environ.get("PERF_DURATION", "10s"),
                  "connections": int(os.environ.get("PERF_CONNECTIONS", 4)), "customers": CUSTOMERS},
        "endpoints": results,
        "ratios": {
            # target <= 1.2: the trivial view on a tenant host vs without the tenant middleware
            "tenancy_overhead_api": ratio("trivial_api", "trivial_api_no_tenant"),
            "tenancy_overhead_plain": ratio("trivial_plain", "trivial_plain_no_tenant"),
            # target <= 2: each health endpoint vs the trivial view (tenant host, under /api/)
            "health_live_vs_trivial": ratio("health_live", "trivial_api"),
            "health_ready_vs_trivial": ratio("health_ready", "trivial_api"),
            "me_vs_trivial": ratio("me", "trivial_api"),
            "customers_vs_trivial": ratio("customers", "trivial_api"),
        },
        "worker_rss_mb": memory,
    }, indent=2))
