"""The beat sweep: dispatch what a lost task or a worker killed between commit and
dispatch left behind. Finds the schemas with pending events in one query per 200
schemas (no per-tenant round trip), then dispatches each of their pending events."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.core.schemas import across_schemas, schemas_with_table

from .services import event_dispatch, events_pending


def outbox_schemas() -> list[str]:
    return schemas_with_table("events_event")


def schemas_with_pending(*, older_than_seconds: int) -> list[str]:
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    rows = across_schemas("events_event", "1 FROM {table} WHERE dispatched_at IS NULL AND occurred_at <= %s "
                                          "AND attempts < 50 LIMIT 1", [cutoff])
    return [schema for schema, _one in rows]


def events_sweep(*, older_than_seconds: int | None = None) -> dict[str, int]:
    """{schema: events dispatched} for the schemas that had events left behind."""
    if older_than_seconds is None:
        older_than_seconds = settings.EVENTS_SWEEP_AFTER_SECONDS
    dispatched = {}
    for schema in schemas_with_pending(older_than_seconds=older_than_seconds):
        with schema_context(schema):
            dispatched[schema] = sum(event_dispatch(event_id=event_id)
                                     for event_id in events_pending(older_than_seconds=older_than_seconds))
    return dispatched
