"""Receiving, processing and retrying inbound webhooks."""

from __future__ import annotations

import json
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record

from .errors import (
    EventNotRetryable,
    InvalidSignature,
    MalformedWebhook,
    StaleWebhook,
    UnknownEventType,
    WebhookRejected,
)
from .models import InboundEvent
from .registry import event_types, handler_for

SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


def inbound_receive(*, source: str, request, secret: str) -> tuple[InboundEvent, bool]:
    """Verify and store one webhook request; queue it for processing.

    Returns (event, created): created is False for a duplicate of an accepted event.
    Raises a WebhookRejected subclass after storing the request as rejected."""
    body = request.body
    headers = {name: request.headers.get(name, "") for name in SIGNATURE_HEADERS}
    event_id = headers["webhook-id"][:128]
    ip = request.META.get("REMOTE_ADDR") or None

    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except (WebhookVerificationError, ValueError, TypeError) as exc:
        stale = "timestamp" in str(exc).lower() and "missing" not in str(exc).lower()
        error = StaleWebhook() if stale else InvalidSignature()
        _reject(source=source, event_id=event_id, body=body, ip=ip, error=error, detail=str(exc))
        audit_record(action="webhook.signature_failed", category=AuditEvent.Category.SECURITY,
                     metadata={"source": source, "event_id": event_id, "reason": str(exc)[:200]})
        raise error from exc

    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        error = MalformedWebhook()
        _reject(source=source, event_id=event_id, body=body, ip=ip, error=error, detail=str(exc))
        raise error from exc
    if not (isinstance(payload, dict) and isinstance(payload.get("type"), str)
            and isinstance(payload.get("data"), dict)):
        error = MalformedWebhook()
        _reject(source=source, event_id=event_id, body=body, ip=ip, error=error, payload=payload)
        raise error
    if handler_for(source, payload["type"]) is None:
        error = UnknownEventType(UnknownEventType.message % {"type": payload["type"][:100],
                                                             "known": ", ".join(event_types(source)) or "-"})
        _reject(source=source, event_id=event_id, body=body, ip=ip, error=error, payload=payload)
        raise error

    duplicate = _accepted(source, event_id)
    if duplicate is not None:
        return duplicate, False
    try:
        with transaction.atomic():
            event = InboundEvent.objects.create(source=source, event_id=event_id, event_type=payload["type"],
                                                payload=payload, ip=ip)
            transaction.on_commit(lambda: _queue(event.pk), robust=True)
    except IntegrityError:  # the same event arrived twice at once
        return _accepted(source, event_id), False
    return event, True


def _accepted(source: str, event_id: str) -> InboundEvent | None:
    return (InboundEvent.objects.filter(source=source, event_id=event_id)
            .exclude(status=InboundEvent.Status.REJECTED).first())


def _reject(*, source, event_id, body: bytes, ip, error: WebhookRejected, payload=None, detail: str = "") -> None:
    text = body.decode("utf-8", errors="replace")
    InboundEvent.objects.create(
        source=source, event_id=event_id or uuid.uuid4().hex, status=InboundEvent.Status.REJECTED,
        event_type=(payload or {}).get("type", "")[:100] if isinstance(payload, dict) else "",
        payload=payload if isinstance(payload, dict) else None,
        raw_body="" if isinstance(payload, dict) else text[:10000],
        error=f"{error.code}: {error.message}" + (f" ({detail[:300]})" if detail else ""), ip=ip,
    )


def _queue(event_pk: int) -> None:
    from .tasks import process_inbound_event

    process_inbound_event.delay(event_pk)


def inbound_process(*, event_pk: int) -> InboundEvent:
    """Run the event's handler once; its effects and the new status commit together."""
    with transaction.atomic():
        event = InboundEvent.objects.select_for_update().get(pk=event_pk)
        if event.status != InboundEvent.Status.RECEIVED:
            return event
        handler = handler_for(event.source, event.event_type)
        event.attempts += 1
        try:
            with transaction.atomic():
                if handler is None:
                    raise LookupError(f"no handler for {event.source} {event.event_type}")
                handler(event)
        except Exception as exc:  # any handler failure is recorded on the event, for retry
            event.status = InboundEvent.Status.FAILED
            event.error = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            event.status = InboundEvent.Status.PROCESSED
            event.error = ""
        event.processed_at = timezone.now()
        event.save(update_fields=["status", "error", "attempts", "processed_at"])
    return event


def inbound_retry(*, event: InboundEvent, actor) -> InboundEvent:
    """Queue a failed event again (from the portal)."""
    with transaction.atomic():
        event = InboundEvent.objects.select_for_update().get(pk=event.pk)
        if event.status != InboundEvent.Status.FAILED:
            raise EventNotRetryable()
        event.status = InboundEvent.Status.RECEIVED
        event.save(update_fields=["status"])
        audit_record(action="webhook.retried", actor=actor, target=event,
                     changes={"status": [InboundEvent.Status.FAILED, InboundEvent.Status.RECEIVED]},
                     metadata={"source": event.source, "event_id": event.event_id})
        transaction.on_commit(lambda: _queue(event.pk), robust=True)
    return event


def inbound_prune(*, before) -> int:
    """Delete the events handled before `before` (processed, or rejected on arrival); failed
    ones stay until someone retries them (retention: apps.ops.retention)."""
    deleted, _by_model = InboundEvent.objects.filter(
        status__in=[InboundEvent.Status.PROCESSED, InboundEvent.Status.REJECTED], received_at__lt=before).delete()
    return deleted
