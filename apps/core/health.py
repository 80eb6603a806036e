"""Health endpoints, on any host, without authentication or a tenant lookup
(apps.tenants.middleware.ANY_HOST_PATHS):

- `GET /health/live/`: the process answers. No I/O at all, so that a slow database or Redis
  never gets web processes restarted (a liveness probe that fails restarts the process).
- `GET /health/ready/` (and `/health/`, its older name): the database, Redis and the Celery
  broker answer, each over a connection kept for the process (Django's connection, a Redis
  pool, a kombu pool), within TIMEOUT_SECONDS each; 503 naming what is down. It also reports
  the Celery workers' last heartbeat (apps.core.heartbeat) without letting it decide the
  status: a web process serves requests without workers, and taking every web process out
  of the load balancer because the workers are down would turn a delay of background jobs
  into a full outage. Monitoring alerts on `"worker": {"status": "down"}` instead.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection
from kombu.pools import connections as broker_pools

from . import heartbeat

TIMEOUT_SECONDS = 2


def check_database(connection=None) -> None:
    connection = connection or connections["default"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis(url: str | None = None) -> float | None:
    """Redis answers one GET over the process's pool; the value read is the workers' last
    heartbeat (returned)."""
    return heartbeat.last_beat(heartbeat.redis_client(url))


def check_broker(url: str | None = None) -> None:
    """The broker answers over a pooled kombu connection: connected within the timeout, and
    (Redis transport) a PING on it, since an established kombu connection is not re-checked."""
    broker = Connection(url or settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS,
                        transport_options={"socket_timeout": TIMEOUT_SECONDS,
                                           "socket_connect_timeout": TIMEOUT_SECONDS})
    with broker_pools[broker].acquire(block=True, timeout=TIMEOUT_SECONDS) as conn:
        try:
            conn.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)
            channel = conn.default_channel
            if hasattr(channel, "conn_or_acquire"):  # kombu's Redis transport
                with channel.conn_or_acquire() as client:
                    client.ping()
        except Exception:
            conn.collect()  # the pool hands out a fresh connection next time
            raise


def _timed(check) -> tuple[dict, object]:
    started = time.monotonic()
    try:
        value = check()
    except Exception as exc:  # any failure means "down"; the reason is reported
        return {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}, None
    return {"status": "up", "ms": round((time.monotonic() - started) * 1000, 1)}, value


def run_checks() -> tuple[bool, dict]:
    """(ready, results): ready when the database, Redis and the broker are up; the worker's
    heartbeat is reported alongside (read with the Redis check)."""
    results = {}
    results["database"], _ = _timed(check_database)
    results["redis"], last_beat = _timed(check_redis)
    results["broker"], _ = _timed(check_broker)
    ready = all(result["status"] == "up" for result in results.values())
    if results["redis"]["status"] == "up":
        results["worker"] = heartbeat.worker_status(last_beat)
    else:
        results["worker"] = {"status": "unknown", "last_seen_seconds": None}
    return ready, results


@never_cache
def live_view(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready_view(request):
    ready, results = run_checks()
    if not ready:
        status = "unavailable"
    else:
        status = "ok" if results["worker"]["status"] == "up" else "degraded"
    return JsonResponse({"status": status, "checks": results}, status=200 if ready else 503)
