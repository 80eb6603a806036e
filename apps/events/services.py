"""Recording and dispatching domain events (the outbox).

`event_record` costs one INSERT in the caller's transaction and starts the dispatch task
once that transaction commits. `event_dispatch` hands the event to every subscriber
that wants it, each in its own savepoint with its receipt; the beat sweep
(`events.sweep`) dispatches what a lost task or a dead worker left behind."""

from __future__ import annotations

import logging
from contextlib import nullcontext

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from .catalogue import event_type_get, payload_check
from .models import Event, Receipt
from .subscribers import subscribers_for

logger = logging.getLogger(__name__)


def _plain(data: dict) -> dict:
    """JSON values only (dates, decimals, UUIDs as DjangoJSONEncoder writes them)."""
    import json

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def event_record(name: str, data: dict, *, tenant=None) -> Event | None:
    """Record event `name` with payload `data` in the outbox of the current workspace, or
    of `tenant` when called from the public schema (platform services: an invoice issued,
    a tenant suspended). None when that tenant has no schema (not provisioned yet)."""
    event_type = event_type_get(name)
    if event_type is None:
        raise ValueError(f"event {name!r} is not in the event catalogue (apps.events.catalogue)")
    data = _plain(data)
    if settings.EVENTS_VALIDATE_PAYLOADS:
        payload_check(event_type, data)
    if tenant is not None and tenant.schema_name != connection.schema_name:
        if tenant.status not in ("active", "suspended"):
            return None
        context = schema_context(tenant.schema_name)
    else:
        if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
            raise ValueError(f"event {name!r} recorded in the public schema without a tenant")
        context = nullcontext()
    with context:
        event = Event.objects.create(name=name, version=event_type.version, data=data,
                                     occurred_at=timezone.now())
        schema_name = connection.schema_name
    transaction.on_commit(lambda: _dispatch_later(schema_name, event.pk), robust=True)
    return event


def _dispatch_later(schema_name: str, event_id: int) -> None:
    from .tasks import dispatch_event

    with schema_context(schema_name):  # the task runs in this schema (tenant-schemas-celery)
        dispatch_event.delay(event_id)


def event_dispatch(*, event_id: int) -> bool:
    """Hand one event to its subscribers; True once every subscriber has handled it.
    Concurrent dispatches of the same event skip it (row lock, SKIP LOCKED)."""
    with transaction.atomic():
        event = Event.objects.select_for_update(skip_locked=True).filter(pk=event_id,
                                                                        dispatched_at__isnull=True).first()
        if event is None:
            return False
        done = set(Receipt.objects.filter(event=event).values_list("subscriber", flat=True))
        errors = []
        for subscriber in subscribers_for(event.name):
            if subscriber.key in done:
                continue
            try:
                with transaction.atomic():
                    subscriber.handler(event)
                    Receipt.objects.create(event=event, subscriber=subscriber.key)
            except Exception as exc:  # one subscriber's failure must not hold back the others
                logger.exception("subscriber %s failed on event %s", subscriber.key, event.public_id)
                errors.append(f"{subscriber.key}: {type(exc).__name__}: {exc}")
        event.attempts += 1
        if errors:
            event.last_error = "\n".join(errors)[:4000]
            event.save(update_fields=["attempts", "last_error"])
            return False
        event.dispatched_at = timezone.now()
        event.last_error = ""
        event.save(update_fields=["attempts", "dispatched_at", "last_error"])
        return True


def events_pending(*, older_than_seconds: int, limit: int = 500) -> list[int]:
    """Events of the current schema still undispatched after `older_than_seconds` (their
    task was lost, or a subscriber failed: retried with the attempts spaced out)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(Event.objects.filter(dispatched_at__isnull=True, occurred_at__lte=cutoff, attempts__lt=50)
                .order_by("occurred_at").values_list("pk", flat=True)[:limit])
