"""The beat task's work: send every delivery that is due, in every workspace. Finds the
schemas with due deliveries in one query per 200 schemas (no per-tenant round trip),
then queues an attempt for each due delivery there (apps.webhooks.delivery)."""

from __future__ import annotations

from django.utils import timezone
from django_tenants.utils import schema_context

from apps.core.schemas import across_schemas

from .delivery import deliveries_due, deliveries_send


def schemas_with_due(now) -> list[str]:
    rows = across_schemas("webhooks_delivery", "1 FROM {table} WHERE status = 'pending' AND next_attempt_at <= %s "
                                               "AND (queued_until IS NULL OR queued_until < %s) "
                                               "AND (in_flight_until IS NULL OR in_flight_until < %s) LIMIT 1",
                          [now, now, now])
    return [schema for schema, _one in rows]


def deliveries_due_send(*, now=None) -> dict[str, int]:
    """{schema: deliveries queued} for the schemas that had some due."""
    now = now or timezone.now()
    sent = {}
    for schema in schemas_with_due(now):
        with schema_context(schema):
            ids = deliveries_due(now=now)
            deliveries_send(ids, marked=True)  # deliveries_due marked them; sent on leaving this (autocommit) block
            sent[schema] = len(ids)
    return sent
