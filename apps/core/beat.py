"""One beat at a time. Celery beat sends the periodic tasks; two beats would send each one
twice. The scheduler below holds a PostgreSQL advisory lock, on a connection of its own,
for as long as it runs: a second beat (a replica, a deploy overlapping the old one) stands
by until the lock is free, then takes over. PostgreSQL releases the lock when the holder's
connection ends (the process died, or the server restarted), so a crashed beat never
blocks the schedule; the holder checks its lock on each tick and stands by again if it lost
it (a database restart) and another beat took it meanwhile.

`CELERY_BEAT_SCHEDULER = "apps.core.beat:SingleBeatScheduler"` (settings; docker/entrypoint.sh).
"""

from __future__ import annotations

import logging
import time

import psycopg
from django.db import connections
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

LOCK_KEY = 0x62656174  # "beat": one lock for the whole platform (pg_advisory_lock(bigint))
STANDBY_POLL_SECONDS = 2.0
CHECK_EVERY_SECONDS = 15.0


def _lock_connection() -> psycopg.Connection:
    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True, application_name="celery-beat-lock")


def _try_lock(conn: psycopg.Connection) -> bool:
    return bool(conn.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0])


def _holds_lock(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                       "AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = %s",
                       [LOCK_KEY]).fetchone()
    return bool(row[0])


class SingleBeatScheduler(DatabaseScheduler):
    """django-celery-beat's database scheduler, run by one beat at a time."""

    _lock_conn: psycopg.Connection | None = None
    _checked_at = 0.0

    def setup_schedule(self):
        self._acquire()
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        if time.monotonic() - self._checked_at >= CHECK_EVERY_SECONDS:
            self._keep()
        return super().tick(*args, **kwargs)

    def close(self):
        if self._lock_conn is not None:
            self._lock_conn.close()  # releases the lock: a standby beat takes over at once
            self._lock_conn = None
        super().close()

    def _acquire(self) -> None:
        """Block until this beat holds the lock (reconnecting while the database is away)."""
        said = False
        while True:
            try:
                if self._lock_conn is None or self._lock_conn.closed:
                    self._lock_conn = _lock_connection()
                if _try_lock(self._lock_conn):
                    logger.info("beat lock acquired: this beat sends the periodic tasks")
                    self._checked_at = time.monotonic()
                    return
                if not said:
                    logger.warning("another beat sends the periodic tasks: standing by until it stops")
                    said = True
            except psycopg.OperationalError as exc:
                logger.warning("beat lock: database unreachable (%s); retrying", exc)
                self._lock_conn = None
            time.sleep(STANDBY_POLL_SECONDS)

    def _keep(self) -> None:
        """Still the holder? A lost connection (database restart) lost the lock too."""
        try:
            if self._lock_conn is not None and not self._lock_conn.closed and _holds_lock(self._lock_conn):
                self._checked_at = time.monotonic()
                return
        except psycopg.OperationalError:
            pass
        logger.warning("beat lock lost (database connection ended): acquiring it again")
        if self._lock_conn is not None:
            self._lock_conn.close()
        self._lock_conn = None
        self._acquire()
