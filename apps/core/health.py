"""GET /health/ on any host: 200 when the database, Redis and the Celery broker answer,
503 naming what is down. No authentication, no tenant needed."""

from __future__ import annotations

import time

import redis
from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

TIMEOUT_SECONDS = 2


def check_database(connection=None) -> None:
    connection = connection or connections["default"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis(url: str | None = None) -> None:
    client = redis.Redis.from_url(url or settings.REDIS_URL, socket_timeout=TIMEOUT_SECONDS,
                                  socket_connect_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    finally:
        client.close()


def check_broker(url: str | None = None) -> None:
    with Connection(url or settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)


def run_checks() -> tuple[bool, dict]:
    results = {}
    for name, check in (("database", check_database), ("redis", check_redis), ("broker", check_broker)):
        started = time.monotonic()
        try:
            check()
            results[name] = {"status": "up", "ms": round((time.monotonic() - started) * 1000, 1)}
        except Exception as exc:  # any failure means "down"; the reason is reported
            results[name] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
    healthy = all(r["status"] == "up" for r in results.values())
    return healthy, results


@never_cache
def health_view(request):
    healthy, results = run_checks()
    body = {"status": "ok" if healthy else "unavailable", "checks": results}
    return JsonResponse(body, status=200 if healthy else 503)
