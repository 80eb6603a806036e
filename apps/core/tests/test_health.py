import re
import time

import pytest
import redis
from django.db import connections
from django.db.utils import ConnectionHandler
from django.test import Client

from apps.core import heartbeat
from apps.core.health import check_database, run_checks
from tests.plugin import client_for, wait_for

CORE = {"database": "up", "redis": "up", "broker": "up"}


def _statuses(body) -> dict:
    return {name: check["status"] for name, check in body["checks"].items()}


@pytest.fixture
def fresh_heartbeat():
    heartbeat.beat()
    yield
    heartbeat.redis_client().delete(heartbeat.heartbeat_key())


@pytest.fixture
def no_heartbeat():
    heartbeat.redis_client().delete(heartbeat.heartbeat_key())


@pytest.fixture
def redis_commands(monkeypatch):
    """Every command sent to Redis by any client in this process (redis-py's one way out)."""
    sent = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(self, command, *args, **kwargs):
        sent.append(command)
        return send(self, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    return sent


def _command_names(sent) -> list[bytes]:
    """The command names in redis-py's packed payloads (RESP arrays of bulk strings)."""
    payload = b"".join(chunk if isinstance(chunk, bytes) else bytes(chunk)
                       for command in sent for chunk in (command if isinstance(command, list | tuple) else [command]))
    return [name.upper() for name in re.findall(rb"\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n", payload)]


def test_live_does_no_io_on_any_host(tenant_alpha, django_assert_num_queries, redis_commands):
    for host in ("localhost", "alpha.localhost", "nobody.localhost"):
        client = Client(HTTP_HOST=host)
        client.get("/health/live/")  # loads the URLconf and middleware once
        redis_commands.clear()
        with django_assert_num_queries(0):
            response = client.get("/health/live/")
        assert response.status_code == 200 and response.json() == {"status": "ok"}
        assert redis_commands == [], host
        assert "no-cache" in response["Cache-Control"]


def test_live_answers_for_a_suspended_workspace(tenant_alpha):
    tenant_alpha.status = tenant_alpha.Status.SUSPENDED
    tenant_alpha.save()
    assert client_for("alpha").get("/health/live/").status_code == 200


def test_live_refuses_a_host_outside_allowed_hosts(db):
    response = Client(HTTP_HOST="evil.example.org").get("/health/live/", HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_host"


def test_ready_is_up_on_every_host(db, fresh_heartbeat):
    for slug in (None, "alpha", "beta"):
        for path in ("/health/ready/", "/health/"):  # /health/: its older name
            response = client_for(slug).get(path)
            assert response.status_code == 200
            body = response.json()
            assert body["status"] == "ok"
            assert _statuses(body) == {**CORE, "worker": "up"}
            assert body["checks"]["worker"]["last_seen_seconds"] < heartbeat.STALE_SECONDS


def test_ready_reuses_its_connections(db, fresh_heartbeat, redis_commands):
    client = client_for(None)
    client.get("/health/ready/")
    redis_commands.clear()
    assert client.get("/health/ready/").status_code == 200
    # One GET (Redis, with the heartbeat) and one PING (the broker): no new connection
    # (its HELLO/CLIENT SETINFO/SELECT hand-shake) on either.
    assert _command_names(redis_commands) == [b"GET", b"PING"]


def test_ready_is_503_when_redis_is_down(db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client_for(None).get("/health/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["redis"]["status"] == "down" and "Connection" in body["checks"]["redis"]["error"]
    assert body["checks"]["database"]["status"] == "up"
    assert body["checks"]["worker"]["status"] == "unknown"  # its heartbeat lives in Redis


def test_ready_is_503_when_the_broker_is_down(db, settings, fresh_heartbeat):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    started = time.monotonic()
    response = client_for("alpha").get("/health/ready/")
    assert time.monotonic() - started < 5  # no retry loop
    assert response.status_code == 503
    assert _statuses(response.json()) == {**CORE, "broker": "down", "worker": "up"}


def test_ready_is_503_when_the_database_is_down(db, monkeypatch, fresh_heartbeat):
    dead = dict(connections["default"].settings_dict, PORT=1, NAME="nothing")
    handler = ConnectionHandler({"default": dead})
    monkeypatch.setattr("apps.core.health.connections", handler)
    try:
        response = client_for(None).get("/health/ready/")
    finally:
        handler.close_all()
    assert response.status_code == 503
    assert _statuses(response.json()) == {**CORE, "database": "down", "worker": "up"}


def test_ready_reports_a_stale_or_missing_worker_but_stays_200(db, no_heartbeat):
    response = client_for(None).get("/health/ready/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["worker"] == {"status": "down", "last_seen_seconds": None}

    heartbeat.beat(now=time.time() - heartbeat.STALE_SECONDS - 30)
    worker = client_for(None).get("/health/ready/").json()["checks"]["worker"]
    assert worker["status"] == "down" and worker["last_seen_seconds"] >= heartbeat.STALE_SECONDS + 30

    heartbeat.beat()
    body = client_for(None).get("/health/ready/").json()
    assert body["status"] == "ok" and body["checks"]["worker"]["status"] == "up"


def test_a_running_worker_beats(db, no_heartbeat, celery_worker_process):
    """The worker's consumer bootstep (platform_/celery.py) stores the heartbeat at start."""
    wait_for(heartbeat.last_beat, "the worker's heartbeat", seconds=30)
    assert heartbeat.worker_status(heartbeat.last_beat())["status"] == "up"


def test_database_check_fails_against_a_dead_server(db):
    dead = dict(connections["default"].settings_dict, PORT=1, NAME="nothing")
    handler = ConnectionHandler({"default": dead})
    try:
        check_database(handler["default"])
    except Exception as exc:
        assert "connect" in str(exc).lower() or "refused" in str(exc).lower()
    else:
        raise AssertionError("a dead database passed the check")
    finally:
        handler.close_all()
    ready, results = run_checks()
    assert ready and results["database"]["status"] == "up"
