"""Load on the cluster of tests/cluster.py: two web hosts (gunicorn, 2 sync workers each, in
network namespaces) and two Celery workers, PostgreSQL behind PgBouncer (session mode), one
Redis. wrk drives both web hosts at once, each with a mix of a cached read (GET /api/v1/me/
with a JWT) and the customer list (GET /api/v1/customers/, 20 customers), alternating.

1. Steps: the connections per host double (1, 2, 4, ...) until p99 on a host reaches the
   limit (500 ms) or a response fails; the highest step under the limit is the rate this
   machine sustains (Debian's wrk has no fixed-rate mode: the rate is stepped by connections).
2. Sustained run at that step; in its middle, worker-a is restarted (warm shutdown, start,
   ready) while tasks keep being sent (one every 0.5 s): every task sent must have run.
   `within_limit` says whether p99 stayed under the limit with the restart's start-up (seconds
   of CPU: Django and Celery imports) competing with the web hosts.

Prints JSON: per host, throughput, p50/p99 and errors (non-2xx and socket errors), for every
step and for the sustained run; the restart's duration; the tasks sent and run per worker.
Runs as root (ip netns), in its own database (tests/perf/_setup.py perf_database).

    bash tests/tools/ensure_system_tools.sh perf; bash tests/tools/ensure_system_tools.sh   # wrk, pgbouncer
    PERF_DB=perf_cluster .venv/bin/python tests/perf/cluster_load.py
    # shorter: PERF_STEP_SECONDS=5 PERF_SUSTAIN_SECONDS=20
"""

import json
import os
import re
import subprocess
import tempfile
import threading
import time

os.environ.setdefault("JWT_ACCESS_MINUTES", "240")  # outlives the whole run

from _http import _WRK_SCRIPT, ensure_wrk  # noqa: E402
from _setup import ROOT, perf_database  # noqa: E402
from _workspace import workspace_with_customers  # noqa: E402

P99_LIMIT_MS = 500
STEP_SECONDS = int(os.environ.get("PERF_STEP_SECONDS", 8))
SUSTAIN_SECONDS = int(os.environ.get("PERF_SUSTAIN_SECONDS", 30))
MAX_CONNECTIONS = int(os.environ.get("PERF_MAX_CONNECTIONS", 64))
SLUG = "perf-cluster"
HOST = f"{SLUG}.localhost"
PASSWORD = "perf-pass-123"
CUSTOMERS = 20
WEBS = ("web-a", "web-b")

_MIX = r"""
local paths = {"/api/v1/me/", "/api/v1/customers/"}
local sent = 0
function request()
  sent = sent + 1
  return wrk.format("GET", paths[(sent % 2) + 1])
end
"""


def prepare() -> str:
    """The tenant (its plan without rate limits), its owner, 20 customers; an access token."""
    return workspace_with_customers(slug=SLUG, name="Perf Cluster", customers=CUSTOMERS, password=PASSWORD)


def wrk_both(cluster, access: str, connections: int, seconds: int, during=None) -> dict:
    """wrk on both web hosts at once (one process each); `during()` runs meanwhile."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT + _MIX)
    binary = ensure_wrk()
    processes = {
        web: subprocess.Popen([binary, "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "5s",
                               "-s", script.name, "-H", f"Host: {HOST}", "-H", f"Authorization: Bearer {access}",
                               cluster.web_url(web, "/")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for web in WEBS}
    extra = during() if during else None
    results = {}
    try:
        for web, process in processes.items():
            out, err = process.communicate(timeout=seconds + 60)
            line = next((x for x in out.splitlines() if x.startswith("WRK_JSON ")), None)
            if process.returncode != 0 or line is None:
                raise SystemExit(f"wrk failed on {web}:\n{out}\n{err}")
            raw = json.loads(line.removeprefix("WRK_JSON "))
            results[web] = {"requests": raw["requests"],
                            "req_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
                            "p50_ms": round(raw["p50_us"] / 1000, 1), "p99_ms": round(raw["p99_us"] / 1000, 1),
                            "non_2xx": raw["non_2xx"], "first_non_2xx": raw["first_non_2xx"],
                            "socket_errors": raw["socket_errors"]}
    finally:
        os.unlink(script.name)
    total = round(sum(r["req_per_s"] for r in results.values()), 1)
    return {"connections_per_host": connections, "req_per_s_total": total, "hosts": results,
            **({"during": extra} if extra is not None else {})}


def ok(step: dict) -> bool:
    return all(r["p99_ms"] < P99_LIMIT_MS and not r["non_2xx"] and not r["socket_errors"]
               for r in step["hosts"].values())


def restart_in_the_middle(cluster, seconds: int) -> dict:
    """Send a task every 0.5 s for the whole run and restart worker-a half way through; then
    wait for every task sent to have run on some worker."""
    from platform_.celery import app

    sent, outcome = [], {}

    def tasks():
        with app.connection_for_write(url=cluster.redis_url) as broker:
            deadline = time.monotonic() + seconds - 1
            while time.monotonic() < deadline:
                sent.append(app.send_task("events.sweep", kwargs={"older_than_seconds": 10**9},
                                          connection=broker).id)
                time.sleep(0.5)

    def restart():
        time.sleep(seconds / 2)
        outcome["restart_seconds"] = round(cluster.restart_worker("worker-a"), 1)

    threads = [threading.Thread(target=tasks), threading.Thread(target=restart)]
    for thread in threads:
        thread.start()

    def finish() -> dict:
        for thread in threads:
            thread.join()
        deadline = time.monotonic() + 60
        while True:
            ran = {w: set(re.findall(r"Task events\.sweep\[([0-9a-f-]+)\] succeeded",
                                     cluster.log(w).read_text(errors="replace"))) & set(sent)
                   for w in ("worker-a", "worker-b")}
            if len(set().union(*ran.values())) == len(sent) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        return {**outcome, "tasks_sent": len(sent), "tasks_run": {w: len(ids) for w, ids in ran.items()},
                "tasks_lost": len(set(sent) - set().union(*ran.values()))}

    return finish


with perf_database():
    access = prepare()
    from django.conf import settings

    from tests.cluster import Cluster

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.perf.settings_perf",
           "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
           "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE}
    env.pop("PYTEST_XDIST_WORKER", None)
    with Cluster(env=env, database_url=os.environ["DATABASE_URL"], log_dir=ROOT / "test-artifacts") as cluster:
        warm = wrk_both(cluster, access, 2, 2)  # imports, connections, routing and token caches
        if not ok(warm):
            raise SystemExit(f"warm-up failed: {json.dumps(warm)}")
        steps, connections = [], 1
        while connections <= MAX_CONNECTIONS:
            steps.append(wrk_both(cluster, access, connections, STEP_SECONDS))
            if not ok(steps[-1]):
                break
            connections *= 2
        passing = [step for step in steps if ok(step)]
        best = max(passing, key=lambda step: step["req_per_s_total"]) if passing else steps[0]
        sustained = wrk_both(cluster, access, best["connections_per_host"], SUSTAIN_SECONDS,
                             during=lambda: restart_in_the_middle(cluster, SUSTAIN_SECONDS))
        sustained["worker_restart"] = sustained.pop("during")()  # waits for the tasks sent meanwhile
        sustained["within_limit"] = ok(sustained)
        pools = [{k: p[k] for k in ("database", "pool_mode", "cl_active", "sv_active", "sv_idle", "sv_used")}
                 for p in cluster.pgbouncer_admin("SHOW POOLS") if p["database"] != "pgbouncer"]

    print(json.dumps({
        "setup": {"web_hosts": 2, "gunicorn_workers_per_host": 2, "celery_workers": 2, "pool": "pgbouncer session",
                  "mix": ["GET /api/v1/me/ (JWT)", f"GET /api/v1/customers/ ({CUSTOMERS})"],
                  "p99_limit_ms": P99_LIMIT_MS, "step_seconds": STEP_SECONDS, "sustain_seconds": SUSTAIN_SECONDS,
                  "cpus": os.cpu_count()},
        "steps": steps,
        "sustained": sustained,
        "pgbouncer_pools_after": pools,
    }, indent=2))
