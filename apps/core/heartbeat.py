"""Celery workers' heartbeat: each worker stores the time in Redis every HEARTBEAT_SECONDS
while its consumer is connected to the broker, so that `/health/ready/` (apps.core.health)
can tell whether any worker is alive without asking one over the broker (`celery inspect
ping` waits for replies: far too slow for a probe).

The beat runs on the consumer's timer (the worker's event loop), not in a thread of its
own: a worker whose loop is stuck stops beating. Registered in platform_/celery.py."""

from __future__ import annotations

import logging
import time

import redis
from celery import bootsteps
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15
# A worker is reported down when no worker has beaten for this long (a few missed beats:
# a solo-pool worker does not beat while it runs a task).
STALE_SECONDS = 90
# The last beat is kept a day, so that readiness can say how long the workers have been
# gone rather than only "never seen".
_KEEP_SECONDS = 24 * 3600
_TIMEOUT_SECONDS = 2

_clients: dict[str, redis.Redis] = {}


def redis_client(url: str | None = None) -> redis.Redis:
    """A client on a connection pool kept for the process (one per URL; redis-py's pool is
    thread-safe and starts afresh in a forked child)."""
    url = url or settings.REDIS_URL
    client = _clients.get(url)
    if client is None:
        client = _clients[url] = redis.Redis.from_url(url, socket_timeout=_TIMEOUT_SECONDS,
                                                      socket_connect_timeout=_TIMEOUT_SECONDS)
    return client


def heartbeat_key() -> str:
    return cache.make_key("health:worker-heartbeat")  # under the cache's prefix: one per deployment (or test run)


def beat(client: redis.Redis | None = None, *, now: float | None = None) -> None:
    """Record that a worker is alive now."""
    (client or redis_client()).set(heartbeat_key(), repr(time.time() if now is None else now), ex=_KEEP_SECONDS)


def last_beat(client: redis.Redis | None = None) -> float | None:
    """When a worker last beat (epoch seconds), or None (never, or more than a day ago).
    One GET: it is also readiness's Redis check."""
    value = (client or redis_client()).get(heartbeat_key())
    return float(value) if value is not None else None


def worker_status(last: float | None, *, now: float | None = None) -> dict:
    """{"status": "up"|"down", "last_seen_seconds": ...} for the readiness report."""
    if last is None:
        return {"status": "down", "last_seen_seconds": None}
    age = max((time.time() if now is None else now) - last, 0.0)
    return {"status": "up" if age <= STALE_SECONDS else "down", "last_seen_seconds": round(age, 1)}


def _beat_safely() -> None:
    try:
        beat()
    except redis.RedisError as exc:  # the worker keeps working; readiness will report it
        logger.warning("worker heartbeat not stored: %s", exc)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Consumer bootstep: beat at once, then every HEARTBEAT_SECONDS while connected."""

    requires = ("celery.worker.consumer.connection:Connection",)

    def __init__(self, c, **kwargs):
        self.timer_entry = None
        super().__init__(c, **kwargs)

    def start(self, c):
        _beat_safely()
        self.timer_entry = c.timer.call_repeatedly(HEARTBEAT_SECONDS, _beat_safely)

    def stop(self, c):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    shutdown = stop
