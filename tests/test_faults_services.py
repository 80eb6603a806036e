"""PostgreSQL and Redis restarted under a running web server (gunicorn), with requests
flowing: the clients see 503s in the error shape while one is away, never a 500; every
write that was answered 201 is there afterwards; the server recovers by itself (no stuck
connection) and readiness says down, then up; a task queued before Redis went away is
still queued after (append-only file). The servers are the test's own (tests/private_services.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import psycopg
import pytest
import requests

from platform_.celery import app
from tests.plugin import PASSWORD, ROOT, _stop, _wait_for_port, artifact_log, subprocess_database_url, subprocess_env
from tests.private_services import PrivatePostgres, PrivateRedis, free_port

pytestmark = pytest.mark.worker
HOST = "alpha.localhost"


@dataclass
class Stack:
    pg: PrivatePostgres
    redis: PrivateRedis
    base: str
    token: str = ""

    def call(self, method: str, path: str, host: str = HOST, **kwargs) -> requests.Response:
        headers = {"Host": host, "Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.base + path, headers=headers, timeout=15, **kwargs)


@pytest.fixture(scope="module")
def stack(platform_seed, tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    pg, redis = PrivatePostgres(), PrivateRedis(folder / "redis")
    pg.start()
    redis.start()
    web = None
    try:
        pg.copy_database(subprocess_database_url(), "faults", ["public", "alpha"])
        port = free_port()
        log = artifact_log("faults-web")
        with log.open("w") as out:
            web = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "platform_.wsgi:application", "-b", f"127.0.0.1:{port}",
                 "-w", "2", "--timeout", "30"],
                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                env=subprocess_env(DATABASE_URL=pg.url("faults"), REDIS_URL=redis.url, CELERY_QUEUE="faults",
                                   CACHE_KEY_PREFIX="faults",
                                   RATELIMIT_USER_PER_MINUTE="1000000"))  # counted, never reached
        _wait_for_port(port, web, log)
        built = Stack(pg=pg, redis=redis, base=f"http://127.0.0.1:{port}")
        response = built.call("POST", "/api/v1/auth/token/", json={"email": "owner@alpha.test", "password": PASSWORD})
        assert response.status_code == 200, response.text
        built.token = response.json()["access"]
        yield built
    finally:
        if web is not None:
            _stop(web, seconds=10)
        redis.stop()
        pg.remove()


@dataclass
class Traffic:
    """Reads and writes in a loop from a thread: what each got."""

    stack: Stack
    results: list[tuple[float, str, int, str | None, str | None]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            name = f"Fault {time.monotonic_ns()} {n}"
            for kind, method, path, body in (("read", "GET", "/api/v1/me/", None),
                                             ("write", "POST", "/api/v1/customers/", {"name": name})):
                try:
                    response = self.stack.call(method, path, json=body)
                except requests.RequestException as exc:
                    self.results.append((time.monotonic(), kind, 0, type(exc).__name__, name))
                    continue
                code = None
                if response.status_code >= 400:
                    code = response.json().get("error", {}).get("code")
                    assert response.headers.get("Retry-After") or response.status_code != 503
                self.results.append((time.monotonic(), kind, response.status_code, code, name))
            time.sleep(0.02)

    def __enter__(self):
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(30)

    def statuses(self) -> set[int]:
        return {status for _at, _kind, status, _code, _name in self.results}

    def created(self) -> list[str]:
        return [name for _at, kind, status, _code, name in self.results if kind == "write" and status == 201]


def _recovered_after(traffic: Traffic, since: float, seconds: float = 30) -> float:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ok = [at for at, _kind, status, _code, _name in list(traffic.results) if at > since and status in (200, 201)]
        if len(ok) >= 4:
            return ok[0] - since
        time.sleep(0.1)
    raise AssertionError(f"no success within {seconds}s after the server came back: {traffic.results[-6:]}")


@dataclass
class Outage:
    traffic: Traffic
    down_at: float
    up_at: float
    ready_down: requests.Response
    recovery_s: float

    @property
    def during(self) -> list:
        """What was answered while the server was away."""
        return [r for r in self.traffic.results if self.down_at < r[0] < self.up_at]


def _outage(stack: Stack, server) -> Outage:
    """Traffic, then `server` stopped for 3 s (readiness asked meanwhile), started again,
    and traffic until requests succeed again."""
    with Traffic(stack) as traffic:
        time.sleep(1.5)
        server.stop()
        down_at = time.monotonic()
        time.sleep(1.0)
        ready_down = stack.call("GET", "/health/ready/", host="localhost")
        time.sleep(2.0)
        up_at = time.monotonic()  # "during" ends as the server starts
        server.start()
        recovery_s = _recovered_after(traffic, up_at)
        time.sleep(1.0)
    return Outage(traffic, down_at, up_at, ready_down, recovery_s)


def test_postgresql_restarted_under_traffic(stack):
    outage = _outage(stack, stack.pg)
    traffic, during, ready_down = outage.traffic, outage.during, outage.ready_down
    ready_up = stack.call("GET", "/health/ready/", host="localhost")
    assert 500 not in traffic.statuses() and 0 not in traffic.statuses(), traffic.statuses()
    assert traffic.statuses() <= {200, 201, 503}, traffic.statuses()
    # Writes need the database: 503. A read served whole from Redis (a token's /me/) still works.
    writes = [(status, code) for _at, kind, status, code, _n in during if kind == "write"]
    assert writes and set(writes) == {(503, "service_unavailable")}, during[:6]
    assert {(status, code) for _at, _k, status, code, _n in during} <= {(200, None), (503, "service_unavailable")}
    assert ready_down.status_code == 503 and ready_down.json()["checks"]["database"] != "ok", ready_down.text
    assert ready_up.status_code == 200, ready_up.text
    created = traffic.created()
    assert created, "no write went through"
    with psycopg.connect(stack.pg.url("faults")) as conn:
        stored = {row[0] for row in conn.execute("SELECT name FROM alpha.crm_customer WHERE name LIKE 'Fault %%'")}
    assert set(created) <= stored  # every write answered 201 is there
    print(f"PostgreSQL down {outage.up_at - outage.down_at:.1f} s: {len(writes)} writes answered 503, "
          f"{sum(1 for r in during if r[2] == 200)} cached reads 200 meanwhile; first success "
          f"{outage.recovery_s:.2f} s after it was back; {len(created)} writes kept")


def test_redis_restarted_under_traffic(stack):
    with app.connection_for_write(stack.redis.url) as conn:  # a task waiting in the queue (no worker here)
        app.send_task("events.sweep", queue="faults.parked", connection=conn)
    outage = _outage(stack, stack.redis)
    traffic, during, ready_down = outage.traffic, outage.during, outage.ready_down
    # Routing and tokens fall back to the database; rate limits fail open (RATELIMIT_FAIL_OPEN)
    assert traffic.statuses() <= {200, 201}, [r for r in traffic.results if r[2] not in (200, 201)][:5]
    assert during, "no request while Redis was away"
    assert ready_down.status_code == 503 and ready_down.json()["checks"]["redis"] != "ok", ready_down.text
    assert stack.call("GET", "/health/ready/", host="localhost").status_code == 200
    import redis as redis_client

    assert redis_client.Redis.from_url(stack.redis.url).llen("faults.parked") == 1  # kept across the restart
    print(f"Redis down {outage.up_at - outage.down_at:.1f} s: {len(during)} answers meanwhile, all 2xx; "
          f"first success {outage.recovery_s:.2f} s after it was back")
