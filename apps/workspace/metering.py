"""Storage in the daily usage table (apps.core.metering): the workspace's tables in
PostgreSQL and its stored files, measured as the storage meter measures them (dashboard)."""

from apps.core.metering import gauge

from .dashboard import file_bytes, schema_bytes

gauge("database_bytes", measure=schema_bytes)
gauge("media_bytes", measure=file_bytes)
