"""A settlement run over TENANTS tenants through a real Celery worker (`celery -A platform_
worker`, prefork, 2 processes, its own queue, against this script's database), from
`run_start` to the run's finished status, side by side: TENANTS x SMALL payments against
TENANTS x PAYMENTS (SMALL = PAYMENTS / 10 unless given), in alternating rounds, a fresh
worker for each run. Medians and the ratios large / small of, per run:

- wall time, the time `run_start` took (listing the due tenants, sending the group), the
  tenants' task times (RunItem started -> finished), batches and lines made;
- memory: the peak RSS of the worker's processes (VmHWM of the parent and of each pool
  child, and the highest sum sampled every 0.1 s), and the private memory (RssAnon) of the
  PostgreSQL backends serving it. The time should grow with the payments, the worker's
  memory should not: the lines are copied inside PostgreSQL, never loaded;
- where the machine's CPU went (/proc): the worker, its backends (long-lived ones: a
  backend living less than 0.1 s is missed and counted with the others), autovacuum in this
  database, the broker, this script, and the rest (other processes); and how many database
  connections the worker opened (pg_stat_database.sessions).

Every run is checked: every tenant succeeded with one batch, and the batches add up to the
payments and refunds inserted (gross, refunds, commission, fees, VAT, counts, attempts;
computed in Python from the formula that made the rows, apart from the SQL).

Then (--breakdown) the task's work (run_item_execute) for a sample of tenants in this
process, each query and commit timed by kind, half of them on a new connection as the
worker runs every task; --db-reuse-max N starts the worker with CELERY_DB_REUSE_MAX = N (an
experiment: Celery's Django fixup then keeps the connection for N tasks).

Data (set-up, not timed; tests/perf/_settlement_data.py): the tenants' public rows in bulk
(Tenant, a Subscription on a monthly plan with a 3.5 % commission price), and for each an
own schema with only the tables the settlement reads (orders_order, payments_payment,
payments_refund) created LIKE the migrated template schema's, no foreign keys; payments
captured over last month in Asia/Seoul with commission and fee fixed as payment_succeeded
fixes them, 1 in 40 declined, 1 in 10 half refunded and 1 in 50 fully; ANALYZEd. Copying
the whole template per tenant would only add tables the run never reads. Everything lives
in a throwaway database (perf_settlement unless PERF_DB is set), dropped at the end, also
on failure; the worker is stopped and the queue purged first.

    .venv/bin/python tests/perf/settlement_run.py [--tenants 1000] [--payments 1000] [--small 100]
        [--rounds 1] [--breakdown 100] [--db-reuse-max 0] [--concurrency 2]
"""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import _settlement_data as data
import _setup
from _setup import ROOT, perf_database

TARGET_S = 60

parser = argparse.ArgumentParser()
parser.add_argument("--tenants", type=int, default=1000)
parser.add_argument("--payments", type=int, default=1000, help="payments per tenant (the large side)")
parser.add_argument("--small", type=int, default=None, help="payments per tenant on the small side (PAYMENTS / 10)")
parser.add_argument("--rounds", type=int, default=1, help="runs of each side, alternating")
parser.add_argument("--concurrency", type=int, default=2, help="the worker's processes")
parser.add_argument("--db-reuse-max", type=int, default=0,
                    help="experiment: start the worker with Celery's CELERY_DB_REUSE_MAX set to this (its Django fixup "
                         "then keeps the database connection across tasks instead of closing it around each)")
parser.add_argument("--breakdown", type=int, default=100,
                    help="then run the task's work in this process for so many tenants of each side, timing each "
                         "kind of query, half of them on a new connection (0: skip)")
options = parser.parse_args()
CONCURRENCY = options.concurrency
SIZES = {"small": options.small or max(options.payments // 10, 1), "large": options.payments}
if "PERF_DB" not in os.environ:  # not the shared perf_platform: other scripts may be running
    _setup.PERF_DB = "perf_settlement"
os.environ.setdefault("CELERY_QUEUE", "perf-settlement")
os.environ.setdefault("CACHE_KEY_PREFIX", "perf-settlement")


def _status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, RssAnon of a process in kB ({} once it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    return {key: int(value.split()[0]) for key, value in (line.split(":", 1) for line in text.splitlines())
            if key in ("VmRSS", "VmHWM", "RssAnon")}


def _family(pid: int) -> list[int]:
    """The process and its descendants (the prefork pool's children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pid: int) -> int:
    """User + system CPU of a process so far, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _machine_busy_ticks() -> int:
    user, nice, system, idle, iowait, *rest = (int(value) for value in Path("/proc/stat").read_text().split()[1:9])
    return user + nice + system + sum(rest)


def _redis_pid(port: int) -> int | None:
    """The broker's process (a redis-server on this machine listening on `port`)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "redis-server" in text and f":{port}" in text:
            return int(cmdline.parent.name)
    return None


class Sampler(threading.Thread):
    """Every 0.1 s: the RSS of the worker's processes (their sum) and the private memory of
    the database's backends that serve it (all but this script's); the CPU time used by
    them, by autovacuum in this database, by the broker, by this script and its backends,
    and by the whole machine (the rest: other processes, PostgreSQL's shared ones)."""

    def __init__(self, worker_pid: int, dsn: str, own_backends: set[int], redis_port: int):
        super().__init__(daemon=True)
        import psycopg

        self.worker_pid, self.own = worker_pid, set(own_backends)
        self.db = psycopg.connect(dsn, autocommit=True)
        self.own.add(self.db.info.backend_pid)
        self.stopping = threading.Event()
        self.peak_sum_kb = self.backend_peak_kb = self.backends_peak_sum_kb = 0
        self.ticks: dict[str, dict[int, list[int]]] = {}  # what: {pid: [at the start, when last seen]}
        self.redis_pid = _redis_pid(redis_port)
        self.started = False
        self.idle_sum_kb = self.sample()
        self.started = True
        self.machine_ticks, self.script_cpu = _machine_busy_ticks(), time.process_time()
        self.sessions = self.sessions_so_far()

    def sessions_so_far(self) -> int:
        """Connections to this database that ended so far (PostgreSQL 14+)."""
        return self.db.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()").fetchone()[0]

    def count(self, what: str, pid: int) -> None:
        ticks = _cpu_ticks(pid)
        if ticks:  # a process there before the run counts from then; a later one, its whole life
            self.ticks.setdefault(what, {}).setdefault(pid, [ticks if not self.started else 0, 0])[1] = ticks

    def sample(self) -> int:
        family = _family(self.worker_pid)
        rss = sum(_status(pid).get("VmRSS", 0) for pid in family)
        self.peak_sum_kb = max(self.peak_sum_kb, rss)
        for pid in family:
            self.count("worker", pid)
        if self.redis_pid:
            self.count("broker", self.redis_pid)
        anon = []
        for pid, kind in self.db.execute("SELECT pid, backend_type FROM pg_stat_activity "
                                         "WHERE datname = current_database()"):
            if pid in self.own:
                self.count("script", pid)
            elif kind == "client backend":
                self.count("backends", pid)
                anon.append(_status(pid).get("RssAnon", 0))
            else:
                self.count("autovacuum", pid)
        self.backend_peak_kb = max([self.backend_peak_kb, *anon])
        self.backends_peak_sum_kb = max(self.backends_peak_sum_kb, sum(anon))
        return rss

    def run(self):
        while not self.stopping.wait(0.1):
            self.sample()

    def finish(self) -> dict:
        self.stopping.set()
        self.join()
        self.sample()
        family = _family(self.worker_pid)
        hwm = {pid: _status(pid).get("VmHWM", 0) for pid in family}
        sessions = self.sessions_so_far() - self.sessions
        self.db.close()
        cpu = {what: sum(last - first for first, last in pids.values()) / TICK for what, pids in self.ticks.items()}
        cpu["script"] = cpu.get("script", 0) + time.process_time() - self.script_cpu
        machine = (_machine_busy_ticks() - self.machine_ticks) / TICK
        return {"db_connections": sessions, **{f"cpu_{what}_s": round(cpu.get(what, 0), 1)
                   for what in ("worker", "backends", "autovacuum", "broker", "script")},
                "cpu_others_s": round(max(machine - sum(cpu.values()), 0), 1),
                "idle_sum_mb": mb(self.idle_sum_kb), "peak_sum_mb": mb(self.peak_sum_kb),
                "parent_hwm_mb": mb(hwm.get(self.worker_pid, 0)),
                "child_hwm_mb": mb(max((kb for pid, kb in hwm.items() if pid != self.worker_pid), default=0)),
                "processes": len(family), "backend_anon_peak_mb": mb(self.backend_peak_kb),
                "backends_anon_peak_sum_mb": mb(self.backends_peak_sum_kb)}


def mb(kb: int) -> float:
    return round(kb / 1024, 1)


with perf_database():
    from django.conf import settings
    from django.db import connection, connections
    from django.db.models import Count, Max, Min, Sum

    from apps.settlement.models import RunItem, SettlementBatch, SettlementLine, SettlementRun
    from apps.settlement.services.runs import run_item_execute, run_start
    from apps.tenants.schema_template import template_ensure, template_name
    from platform_.celery import app
    from tests.plugin import _stop, artifact_log

    queue = settings.CELERY_TASK_DEFAULT_QUEUE  # and the queues named after it (platform_/settings/queues.py)
    queues = [q.name for q in settings.CELERY_TASK_QUEUES]
    rate, fee_rate = Decimal("3.50"), Decimal(settings.PAYMENTS_SANDBOX_FEE_RATE)
    started = time.perf_counter()
    template_ensure()
    template_s = time.perf_counter() - started
    plan, price = data.plan_with_price(rate)
    month_start = data.last_month_start(dt.datetime.now(dt.UTC), "Asia/Seoul")
    sides, setup_s = {}, {}
    for n, (side, payments) in enumerate(SIZES.items()):
        started = time.perf_counter()
        tenants = data.tenants_create(label=side[0], count=options.tenants, first_index=n * options.tenants,
                                      plan=plan)
        for _pk, schema, index in tenants:
            data.schema_fill(schema=schema, index=index, payments=payments, month_start=month_start, price=price,
                             fee_rate=fee_rate, template=template_name())
        sides[side] = {"ids": [pk for pk, _schema, _index in tenants], "payments": payments,
                       "expected": data.expected_totals(tenants=[index for _pk, _schema, index in tenants],
                                                        payments=payments, rate=rate, fee_rate=fee_rate,
                                                        vat_rate=Decimal(settings.SETTLEMENT_VAT_RATE))}
        setup_s[side] = round(time.perf_counter() - started, 1)
    connection.set_schema_to_public()
    dsn = os.environ["DATABASE_URL"]
    redis_port = int(settings.CELERY_BROKER_URL.rsplit(":", 1)[1].split("/")[0])

    def worker_start(side: str) -> subprocess.Popen:
        with app.connection_for_write() as conn:  # nothing left over from an earlier run
            for name in queues:
                conn.default_channel.queue_purge(name)
        log = artifact_log(f"perf-settlement-worker-{side}")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "platform_.settings.test", "CELERY_QUEUE": queue,
               "REDIS_URL": settings.REDIS_URL, "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "celery", "-A", "platform_", "worker"]
        if options.db_reuse_max:  # the same worker, with one setting added
            command = [sys.executable, "-c", "import sys; from platform_.celery import app; "
                       f"app.conf.CELERY_DB_REUSE_MAX = {options.db_reuse_max}; app.worker_main(sys.argv[1:])",
                       "worker"]
        with log.open("w") as out:
            process = subprocess.Popen(
                [*command, "-P", "prefork", "-c", str(CONCURRENCY), "-l", "info", "-Q", ",".join(queues),
                 "--without-mingle", "--without-gossip", "--without-heartbeat",
                 "-n", f"perf-settlement-{os.getpid()}@%h"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while "ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                _stop(process, seconds=5)
                raise RuntimeError(f"Celery worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        time.sleep(1)  # the pool's children finish starting
        return process

    def reset(ids: list[int]) -> None:
        """Forget the batches of an earlier round (the payments stay)."""
        SettlementLine.objects.filter(tenant_id__in=ids).delete()
        SettlementBatch.objects.filter(tenant_id__in=ids).delete()
        SettlementRun.objects.filter(items__tenant_id__in=ids).distinct().delete()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {SettlementLine._meta.db_table}, {SettlementBatch._meta.db_table}, "
                           f"{RunItem._meta.db_table}")

    def measure(side: str) -> dict:
        ids = sides[side]["ids"]
        reset(ids)
        worker = worker_start(side)
        try:
            connection.ensure_connection()
            sampler = Sampler(worker.pid, dsn, {connection.connection.info.backend_pid}, redis_port)
            sampler.start()
            started = time.perf_counter()
            run = run_start(tenant_ids=ids)
            sent_s = time.perf_counter() - started
            while SettlementRun.objects.filter(pk=run.pk, status=SettlementRun.Status.RUNNING).exists():
                if worker.poll() is not None:
                    raise RuntimeError("the worker died")
                time.sleep(0.1)
            wall_s = time.perf_counter() - started
            memory = sampler.finish()
        finally:
            _stop(worker, seconds=30)
        run.refresh_from_db()
        assert (run.status, run.succeeded, run.failed) == ("succeeded", len(ids), 0), (run.status, run.failed)
        items = RunItem.objects.filter(run=run)
        durations = sorted((finished - began).total_seconds() for began, finished in
                           items.values_list("started_at", "finished_at"))
        span = items.aggregate(first=Min("started_at"), last=Max("finished_at"))
        batches = SettlementBatch.objects.filter(run=run)
        sums = batches.aggregate(**{name: Sum(name) for name in sides[side]["expected"]}, batches=Count("id"))
        lines = SettlementLine.objects.filter(batch__run=run).count()
        assert sums.pop("batches") == len(ids), "one batch per tenant"
        assert sums == sides[side]["expected"], {"made": sums, "expected": sides[side]["expected"]}
        assert lines == sums["payments_count"] + sums["refunds_count"]
        return {"wall_s": round(wall_s, 2), "run_start_s": round(sent_s, 2),
                "first_task_after_s": round((span["first"] - run.started_at).total_seconds(), 2),
                "task_median_ms": round(statistics.median(durations) * 1000, 1),
                "task_p95_ms": round(durations[int(len(durations) * 0.95)] * 1000, 1),
                "tasks_busy_s": round(sum(durations), 1), "batches": len(ids), "lines": lines,
                "gross": sums["gross"], **memory}

    QUERY_KINDS = (  # (kind, what the SQL contains), first match wins
        ("advisory lock", "pg_advisory_xact_lock"), ("copy lines (INSERT SELECT)", 'INSERT INTO "public"."settl'),
        ("totals (aggregate of lines)", 'FROM "settlement_settlementline"'),
        ("payment attempts (count)", 'FROM "payments_payment"'), ("audit", '"audit_'),
        ("run item and run bookkeeping", '"settlement_run'), ("batch insert/update/select", '"settlement_settlementb'),
        ("cycle (subscription, terms)", '"billing_'), ("cycle (subscription, terms)", '"settlement_settlementacc'))

    def breakdown(side: str, count: int) -> dict:
        """The task's work for `count` tenants in this process, each query and commit timed by
        kind; what is left of the task's time is Python (and the search_path switches
        django-tenants makes as it opens cursors). Every other tenant on a new connection, as
        the worker runs every task (Celery's Django fixup closes the connection around each
        task unless CELERY_DB_REUSE_MAX is set): the difference is what a connection costs."""
        from django.utils import timezone

        ids = sides[side]["ids"]
        reset(ids)
        run = SettlementRun.objects.create(as_of=timezone.now(), total=count)
        items = RunItem.objects.bulk_create([RunItem(run=run, tenant_id=pk) for pk in ids[:count]])
        spent, kept, fresh = [], [], []

        def timed_execute(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent.append((next((kind for kind, text in QUERY_KINDS if text in sql), "other queries"),
                              time.perf_counter() - started))

        def timed_commit(commit=connection._commit):
            started = time.perf_counter()
            try:
                return commit()
            finally:
                spent.append(("commit (deferred FK checks)", time.perf_counter() - started))

        connection._commit = timed_commit  # measurement only: the same commit, timed
        kinds, queries = {}, 0
        try:
            with connection.execute_wrapper(timed_execute):
                for n, item in enumerate(items):
                    if n % 2:
                        connections.close_all()
                    spent.clear()
                    started = time.perf_counter()
                    run_item_execute(item_id=item.pk)
                    elapsed = time.perf_counter() - started
                    if n % 2:
                        fresh.append(elapsed)
                    elif n:  # the first one warms up the connection
                        kept.append(elapsed)
                        queries += sum(kind != "commit (deferred FK checks)" for kind, _seconds in spent)
                        for kind, seconds in spent:
                            kinds[kind] = kinds.get(kind, 0.0) + seconds
        finally:
            del connection._commit
        per_task = {kind: round(seconds / len(kept) * 1000, 2) for kind, seconds in
                    sorted(kinds.items(), key=lambda pair: -pair[1])}
        mean_ms = statistics.mean(kept) * 1000
        per_task["python, search_path, the rest"] = round(mean_ms - sum(per_task.values()), 2)
        return {"tenants": len(kept) + len(fresh), "queries_per_task": round(queries / len(kept), 1),
                "task_mean_ms": round(mean_ms, 1),
                "task_on_new_connection_mean_ms": round(statistics.mean(fresh) * 1000, 1), "ms_per_task": per_task}

    results = {side: [] for side in SIZES}
    load_before = os.getloadavg()
    try:
        for _round in range(options.rounds):
            for side in SIZES:
                results[side].append(measure(side))
    finally:
        with app.connection_for_write() as conn:  # what a failed run left in the queue
            for name in queues:
                conn.default_channel.queue_purge(name)
    load_after = os.getloadavg()
    breakdowns = {side: breakdown(side, options.breakdown) for side in SIZES} if options.breakdown else {}

    def median(side: str, key: str):
        value = statistics.median(run[key] for run in results[side])
        return int(value) if float(value).is_integer() else round(value, 2)

    summary = {key: {side: median(side, key) for side in SIZES} for key in [*results["large"][0]]}
    print(json.dumps({"tenants": options.tenants, "payments": SIZES, "rounds": options.rounds,
                      "concurrency": CONCURRENCY, "db_reuse_max": options.db_reuse_max or None, "setup_s": setup_s,
                      "template_build_s": round(template_s, 1),
                      "load_average": {"before": load_before, "after": load_after}, "runs": results,
                      "breakdown": breakdowns}, indent=2))
    print(f"\n{options.tenants} tenants, {SIZES['small']} vs {SIZES['large']} payments each; medians of "
          f"{options.rounds} run(s); totals checked against the inserted payments and refunds"
          + (f"; worker with CELERY_DB_REUSE_MAX={options.db_reuse_max}" if options.db_reuse_max else ""))
    print(f"{'':<26}{'small':>12}{'large':>12}{'x':>8}")
    for key in ["wall_s", "run_start_s", "first_task_after_s", "task_median_ms", "tasks_busy_s", "db_connections",
                "cpu_worker_s", "cpu_backends_s", "cpu_autovacuum_s", "cpu_broker_s", "cpu_script_s", "cpu_others_s",
                "batches", "lines", "idle_sum_mb", "peak_sum_mb", "parent_hwm_mb", "child_hwm_mb",
                "backend_anon_peak_mb", "backends_anon_peak_sum_mb"]:
        small, large = summary[key]["small"], summary[key]["large"]
        print(f"{key:<26}{small:>12}{large:>12}{round(large / small, 2) if small else '-':>8}")
    if breakdowns:
        small, large = breakdowns["small"], breakdowns["large"]
        print(f"\nthe task's work in this process, mean ms per tenant ({small['tenants']} tenants, half of them on "
              "a kept connection):")
        print(f"{'':<34}{'small':>10}{'large':>10}")
        for kind in large["ms_per_task"]:
            print(f"{kind:<34}{small['ms_per_task'].get(kind, 0):>10}{large['ms_per_task'][kind]:>10}")
        print(f"{'queries per task':<34}{small['queries_per_task']:>10}{large['queries_per_task']:>10}")
        print(f"{'task (whole), kept connection':<34}{small['task_mean_ms']:>10}{large['task_mean_ms']:>10}")
        print(f"{'task on a new connection (worker)':<34}{small['task_on_new_connection_mean_ms']:>10}"
              f"{large['task_on_new_connection_mean_ms']:>10}")
    large_wall = summary["wall_s"]["large"]
    print(f"\nlarge run {large_wall} s against the {TARGET_S} s target: {'met' if large_wall < TARGET_S else 'MISSED'}")
