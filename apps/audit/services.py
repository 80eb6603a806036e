"""Writing the audit log. Call `audit_record` inside the transaction of the change it
describes: the event commits or rolls back with it.

Request facts (IP, user agent, request id) come from the request being served
(apps.core.middleware) unless given.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.core.logging import request_context

from .models import AuditEvent

GENESIS = "0" * 64
_CHAIN_LOCK = 7_310_001  # pg_advisory_xact_lock key serialising appends to the chain
HASHED_FIELDS = ("created_at", "category", "action", "actor_id", "actor_email", "tenant_id", "tenant_slug",
                 "target_type", "target_id", "target_repr", "changes", "metadata", "ip", "user_agent",
                 "request_id", "prev_hash")


def event_hash(event: AuditEvent) -> str:
    content = {}
    for field in HASHED_FIELDS:
        value = getattr(event, field)
        content[field] = value.isoformat() if hasattr(value, "isoformat") else value
    payload = json.dumps(content, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def diff(before: dict, after: dict) -> dict:
    """{"field": [before, after]} for the fields whose value changed."""
    return {key: [before.get(key), after.get(key)] for key in sorted({*before, *after})
            if before.get(key) != after.get(key)}


def snapshot(instance, fields) -> dict:
    return {field: _plain(getattr(instance, field)) for field in fields}


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (str, int, float, bool, type(None), list, dict)):
        return value
    return str(value)


def audit_record(*, action: str, actor=None, target=None, tenant=None, changes: dict | None = None,
                 metadata: dict | None = None, category: str = AuditEvent.Category.OPERATION,
                 actor_email: str = "", ip: str | None = None, user_agent: str | None = None) -> AuditEvent:
    """Append one event to the chain (in the caller's transaction)."""
    context = request_context.get()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        created_at=timezone.now(), category=category, action=action,
        actor=actor, actor_email=actor.email if actor else actor_email,
        tenant=tenant if tenant is not None and tenant.pk else None,
        tenant_slug=getattr(tenant, "slug", "") or "",
        target_type=f"{target._meta.app_label}.{target._meta.model_name}" if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        changes=changes or {}, metadata=metadata or {},
        ip=ip if ip is not None else context.get("ip"),
        user_agent=(user_agent if user_agent is not None else context.get("user_agent", ""))[:1000],
        request_id=context.get("request_id", ""),
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last or GENESIS
        event.hash = event_hash(event)
        event.save()
    return event


def audit_verify() -> tuple[int, list[str]]:
    """Walk the chain. Returns (events checked, problems found)."""
    problems: list[str] = []
    expected_prev = GENESIS
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.prev_hash != expected_prev:
            problems.append(f"event {event.pk}: chain broken (a row before it was removed or altered)")
        if event_hash(event) != event.hash:
            problems.append(f"event {event.pk}: content does not match its hash (edited)")
        expected_prev = event.hash
    return count, problems
