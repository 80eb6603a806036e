"""A web process killed (SIGKILL) in the middle of a request that writes: the client gets
an error, never a success, and the change is not half applied: the request's writes
commit together or not at all. The server (gunicorn's master) replaces the worker and
serves the next request."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import psycopg
import pytest
import requests
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.crm.models import Customer
from tests.plugin import (
    ROOT,
    _stop,
    _wait_for_port,
    artifact_log,
    obtain_tokens,
    subprocess_database_url,
    subprocess_env,
    wait_for,
)
from tests.private_services import free_port

pytestmark = pytest.mark.worker


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def _waiting(conn: psycopg.Connection) -> bool:
    conn.execute("SELECT pg_stat_clear_snapshot()")
    return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'").fetchone()[0] > 0


def test_a_web_worker_killed_mid_write_applies_nothing(committed):
    token = obtain_tokens("alpha", "owner@alpha.test")["access"]
    port = free_port()
    log = artifact_log("faults-killed-web")
    with log.open("w") as out:
        web = subprocess.Popen([sys.executable, "-m", "gunicorn", "platform_.wsgi:application", "-b",
                                f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"],
                               cwd=ROOT, env=subprocess_env(), stdout=out, stderr=subprocess.STDOUT)
    name = f"Killed mid-write {os.getpid()}"
    with schema_context("alpha"):
        audited = AuditEvent.objects.filter(action="customer.created").count()
    outcome: dict = {}

    def post():
        try:
            response = requests.post(f"http://127.0.0.1:{port}/api/v1/customers/", timeout=60,
                                     headers={"Host": "alpha.localhost", "Authorization": f"Bearer {token}"},
                                     json={"name": name, "birth_date": "2015-01-02",
                                           "guardians": [{"name": "Parent", "phone": "010-1234-5678"}]})
            outcome["status"] = response.status_code
        except requests.RequestException as exc:
            outcome["error"] = type(exc).__name__

    try:
        _wait_for_port(port, web, log)
        with psycopg.connect(subprocess_database_url()) as blocker:
            blocker.execute("LOCK TABLE alpha.crm_customer IN SHARE MODE")  # the INSERT waits on it
            thread = threading.Thread(target=post)
            thread.start()
            wait_for(lambda: _waiting(blocker), "the request to wait on the lock", seconds=60)
            workers = _children(web.pid)
            assert len(workers) == 1
            os.kill(workers[0], signal.SIGKILL)
            thread.join(60)
            blocker.rollback()
        assert "status" not in outcome or outcome["status"] >= 500, outcome  # never a success
        # gunicorn starts another worker; the next request is served (an attempt that times out
        # while the new worker is still booting on a busy machine is not yet an answer)
        def served() -> bool:
            try:
                return requests.get(f"http://127.0.0.1:{port}/health/live/", headers={"Host": "localhost"},
                                    timeout=5).status_code == 200
            except requests.RequestException:
                return False

        wait_for(served, "a new worker", seconds=60)
        again = requests.get(f"http://127.0.0.1:{port}/api/v1/customers/?search=Killed", timeout=30,
                             headers={"Host": "alpha.localhost", "Authorization": f"Bearer {token}"})
        assert again.status_code == 200 and again.json()["results"] == [], again.text
    finally:
        _stop(web, seconds=10)
    with schema_context("alpha"):  # nothing of the request: no customer, no guardian, no audit entry
        assert not Customer.objects.filter(name=name).exists()
        assert AuditEvent.objects.filter(action="customer.created").count() == audited
