"""Database connection usage.

- `platform_db_connections{state}` and `platform_db_connections_max`: read from
  pg_stat_activity when the web's `/metrics` is scraped (one query; our database's client
  backends only). Behind PgBouncer these are the server connections it holds. Every web
  host reports the same numbers: dashboards take the max, not the sum.
- `platform_db_connections_opened_total`: connections this process opened (Django's
  `connection_created`), summed over processes; a rate far above the number of processes
  means connections are recycled (CONN_MAX_AGE, CONN_MAX_REQUESTS) or lost too often.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.db.backends.signals import connection_created
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily

from .definitions import DB_CONNECTIONS_OPENED

logger = logging.getLogger(__name__)

STATES_SQL = """
SELECT replace(coalesce(state, 'unknown'), ' ', '_'), count(*)
FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'
GROUP BY 1 ORDER BY 1
"""


class DatabaseConnectionsCollector:
    def collect(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute(STATES_SQL)
                rows = cursor.fetchall()
                cursor.execute("SELECT current_setting('max_connections')::int")
                (maximum,) = cursor.fetchone()
        except DatabaseError:  # the scrape still answers (the process's own metrics)
            logger.warning("metrics: pg_stat_activity could not be read", exc_info=True)
            return
        states = GaugeMetricFamily("platform_db_connections",
                                   "Connections to our database by state (pg_stat_activity, client backends).",
                                   labels=["state"])
        for state, count in rows:
            states.add_metric([state], count)
        yield states
        yield GaugeMetricFamily("platform_db_connections_max", "The server's max_connections.", value=maximum)


_registry = CollectorRegistry(auto_describe=False)
_registry.register(DatabaseConnectionsCollector())


def database_registry() -> CollectorRegistry:
    return _registry


def _opened(sender, connection, **kwargs):
    DB_CONNECTIONS_OPENED.inc()


connection_created.connect(_opened, dispatch_uid="apps.core.metrics.database.opened")
