"""Tasks that fail on purpose, for tests/test_failed_tasks_worker.py only: a worker started
with `-I tests.failing_tasks` registers them. What they do is steered through Redis (the
cache), which the test and the worker share."""

from celery import shared_task
from django.core.cache import cache
from django.db import connection


@shared_task(name="tests.fails_while_blocked")
def fails_while_blocked(token: str, email: str, phone: str, *, card: str = "", password: str = "") -> str:
    """Fails while `failtest:<token>:blocked` is set; else records the schema it ran in."""
    cache.incr(f"failtest:{token}:runs") if cache.get(f"failtest:{token}:runs") else cache.set(
        f"failtest:{token}:runs", 1, 600)
    if cache.get(f"failtest:{token}:blocked"):
        raise RuntimeError(f"blocked for {email} ({phone})")
    cache.set(f"failtest:{token}:done", connection.schema_name, 600)
    return "done"


@shared_task(name="tests.fails_once_then_succeeds", bind=True, autoretry_for=(RuntimeError,), max_retries=3,
             default_retry_delay=0)
def fails_once_then_succeeds(self, token: str) -> str:
    """Fails its first run; Celery retries it; the retry succeeds."""
    if self.request.retries == 0:
        raise RuntimeError("first attempt fails")
    cache.set(f"failtest:{token}:done", self.request.retries, 600)
    return "done"


@shared_task(name="tests.always_fails", bind=True, autoretry_for=(KeyError,), max_retries=2, default_retry_delay=0)
def always_fails(self, token: str) -> str:
    """Fails every run: after its 2 retries (3 runs) it fails for good."""
    raise KeyError(f"missing {token}")
