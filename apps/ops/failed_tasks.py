"""Celery tasks that failed for good, kept for the ops portal ("Failed tasks": retry or dismiss).

Recording. Celery sends `task_failure` only when a run ends in an exception that is not a
retry: a task that calls `self.retry()` (or `autoretry_for`) sends `task_retry` until its
retries are used up, and `task_failure` only when the last one fails. So one row per task
that failed for good, never one per attempt. The recorder runs inside the worker: whatever
goes wrong in it is logged and swallowed, the worker carries on. Tasks run in-process
(eager mode: tests, `tasks_in_process`) are not recorded: their caller gets the exception.

What is stored. Readable columns hold the arguments masked by apps.core.logmask (e-mails and
phone numbers become keyed hashes, secrets and card numbers markers; values under keys that
name secrets are replaced), the error type, its masked message and the masked end of the
traceback. Masked arguments cannot be re-sent, so "Retry" uses a copy of the original
arguments encrypted with apps.core.secrets (Fernet; FAILED_TASKS_ENCRYPTION_KEYS, else a key
derived from SECRET_KEY). The copy is erased when the task is dismissed, and dismissed or
retried rows are deleted after FAILED_TASKS_RETENTION_DAYS (apps.ops.retention).

Retry re-sends the task by name with the same arguments, to the same queue, in the same
tenant schema (tenant-schemas-celery's `_schema_name` header), under a new task id and a
`failed_task` header naming the row: if that run fails too, the same row counts it again
(status back to failed) instead of a new row appearing."""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import datetime

from celery import current_app
from celery.signals import task_failure
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.services import audit_record
from apps.core.logmask import mask
from apps.core.secrets import decrypt_text, encrypt_text
from apps.tenants.models import Tenant

from .errors import (
    FailedTaskAlreadyDismissed,
    FailedTaskArgumentsGone,
    FailedTaskNotRetryable,
    FailedTaskNotSent,
    FailedTaskTenantGone,
)
from .models import FailedTask

logger = logging.getLogger(__name__)

PURPOSE = "apps.ops.failed_tasks"  # the derived key's purpose (apps.core.secrets)
HEADER = "failed_task"  # on a retried run: the pk of its row
TRACEBACK_LINES = 40
SECRET_MARK = "[secret]"
_SECRET_NAME = re.compile(r"(?i)pass|secret|token|api.?key|private|pin$|otp|rrn|resident|card|cvc|cvv|auth")


# --- Masking ---------------------------------------------------------------------------


def masked_value(value, depth: int = 0):
    """`value` (task arguments) with personal data and secrets masked, JSON-ready."""
    if depth > 6:
        return "…"
    if isinstance(value, dict):
        return {str(key): SECRET_MARK if _SECRET_NAME.search(str(key)) and value[key] not in (None, "")
                else masked_value(value[key], depth + 1) for key in value}
    if isinstance(value, list | tuple | set):
        return [masked_value(item, depth + 1) for item in value]
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        text = str(value)
        masked = mask(text)
        return value if masked == text else masked
    return mask(value if isinstance(value, str) else repr(value))[:1000]


def _exception_type(exception) -> str:
    kind = type(exception)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _short_traceback(text: str) -> str:
    lines = (text or "").rstrip().splitlines()
    if len(lines) > TRACEBACK_LINES:
        lines = ["…", *lines[-TRACEBACK_LINES:]]
    return mask("\n".join(lines))[-8000:]


def _keys() -> tuple[str, ...]:
    return tuple(getattr(settings, "FAILED_TASKS_ENCRYPTION_KEYS", None) or ())


def _encrypt_payload(args, kwargs) -> str:
    try:
        text = json.dumps({"args": list(args or ()), "kwargs": dict(kwargs or {})})
    except (TypeError, ValueError):  # not JSON (another serializer): cannot be re-sent faithfully
        return ""
    return encrypt_text(text, keys=_keys(), purpose=PURPOSE)


def _decrypt_payload(token: str) -> tuple[list, dict]:
    from cryptography.fernet import InvalidToken

    if not token:
        raise FailedTaskArgumentsGone()
    try:
        payload = json.loads(decrypt_text(token, keys=_keys(), purpose=PURPOSE))
    except (InvalidToken, ValueError) as exc:
        raise FailedTaskArgumentsGone() from exc
    return payload["args"], payload["kwargs"]


# --- Recording (in the worker) ---------------------------------------------------------


def failed_task_record(*, task_name: str, task_id: str, queue: str = "", schema_name: str = "", args=(),
                       kwargs=None, exception: BaseException, traceback_text: str = "", attempts: int = 1,
                       request_id: str = "", retry_of: str | int | None = None,
                       now: datetime | None = None) -> FailedTask:
    """Record a task's final failure: a new row, or the row it is a retry of (counted again)."""
    now = now or timezone.now()
    public = settings.PUBLIC_SCHEMA_NAME
    schema_name = "" if schema_name in ("", None, public) else schema_name
    fields = {
        "task_name": task_name[:200], "last_task_id": task_id[:64], "queue": (queue or "")[:100],
        "schema_name": schema_name[:63], "args_masked": masked_value(list(args or ())),
        "kwargs_masked": masked_value(dict(kwargs or {})), "exception_type": _exception_type(exception)[:200],
        "exception_message": mask(str(exception))[:2000], "traceback": _short_traceback(traceback_text),
        "request_id": (request_id or "")[:64], "last_failed_at": now, "status": FailedTask.Status.FAILED,
    }
    with schema_context(public), transaction.atomic():
        fields["tenant"] = Tenant.objects.filter(schema_name=schema_name).first() if schema_name else None
        existing = None
        if retry_of:
            existing = FailedTask.objects.select_for_update().filter(pk=_int(retry_of)).first()
        if existing is None:
            existing = FailedTask.objects.select_for_update().filter(task_id=task_id).first()
        if existing is not None:  # a retry from the portal (or a redelivered message) failed again
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.attempts += attempts
            existing.payload_encrypted = existing.payload_encrypted or _encrypt_payload(args, kwargs)
            existing.save()
            return existing
        return FailedTask.objects.create(task_id=task_id[:64], attempts=attempts, first_failed_at=now,
                                         payload_encrypted=_encrypt_payload(args, kwargs), **fields)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _header(request, name: str):
    headers = getattr(request, "headers", None) or {}
    return headers.get(name) or request.get(name)


@task_failure.connect(dispatch_uid="apps.ops.failed_tasks.record")
def _on_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **extra):
    """Celery's hook: the task failed for good (see the module's docstring)."""
    try:
        request = sender.request
        if getattr(request, "is_eager", False):
            return
        delivery = getattr(request, "delivery_info", None) or {}
        failed_task_record(
            task_name=sender.name, task_id=str(task_id), queue=delivery.get("routing_key") or "",
            schema_name=_header(request, "_schema_name") or "", args=args, kwargs=kwargs, exception=exception,
            traceback_text=str(getattr(einfo, "traceback", "") or ""), attempts=(request.retries or 0) + 1,
            request_id=_header(request, "request_id") or "", retry_of=_header(request, HEADER))
    except Exception:  # never break the worker over the record of a failure
        logger.exception("could not record failed task %s", task_id)


# --- The portal's actions --------------------------------------------------------------


def failed_task_retry(*, failed_task: FailedTask, actor) -> FailedTask:
    """Re-send a failed task (same name, arguments, queue and tenant), audited."""
    with transaction.atomic(durable=True):
        row = FailedTask.objects.select_for_update().get(pk=failed_task.pk)
        if row.status != FailedTask.Status.FAILED:
            raise FailedTaskNotRetryable()
        args, kwargs = _decrypt_payload(row.payload_encrypted)
        tenant = None
        if row.schema_name:
            tenant = Tenant.objects.filter(schema_name=row.schema_name).exclude(
                status__in=[Tenant.Status.DELETED, Tenant.Status.PURGED]).first()
            if tenant is None:
                raise FailedTaskTenantGone()
        previous = {"status": row.status, "last_task_id": row.last_task_id}
        row.status, row.last_task_id = FailedTask.Status.RETRIED, str(uuid.uuid4())
        row.retried_at, row.retried_by, row.retry_count = timezone.now(), actor, row.retry_count + 1
        row.save(update_fields=["status", "last_task_id", "retried_at", "retried_by", "retry_count"])
        audit_record(action="failed_task.retried", actor=actor, target=row, tenant=tenant,
                     changes={"status": [previous["status"], row.status]},
                     metadata={"task": row.task_name, "task_id": row.task_id, "new_task_id": row.last_task_id,
                               "queue": row.queue})
    try:
        with schema_context(row.schema_name or settings.PUBLIC_SCHEMA_NAME):
            current_app.send_task(row.task_name, args=args, kwargs=kwargs, task_id=row.last_task_id,
                                  queue=row.queue or None, headers={HEADER: str(row.pk)})
    except Exception as exc:  # the broker is away: the row says failed again, the person is told
        logger.exception("could not re-send failed task %s", row.pk)
        FailedTask.objects.filter(pk=row.pk, last_task_id=row.last_task_id).update(
            status=previous["status"], last_task_id=previous["last_task_id"])
        raise FailedTaskNotSent() from exc
    return row


def failed_task_dismiss(*, failed_task: FailedTask, actor) -> FailedTask:
    """Close a failed task without running it again; its encrypted arguments are erased."""
    with transaction.atomic(durable=True):
        row = FailedTask.objects.select_for_update().get(pk=failed_task.pk)
        if row.status == FailedTask.Status.DISMISSED:
            raise FailedTaskAlreadyDismissed()
        before = row.status
        row.status, row.dismissed_at, row.dismissed_by = FailedTask.Status.DISMISSED, timezone.now(), actor
        row.payload_encrypted = ""
        row.save(update_fields=["status", "dismissed_at", "dismissed_by", "payload_encrypted"])
        tenant = Tenant.objects.filter(schema_name=row.schema_name).first() if row.schema_name else None
        audit_record(action="failed_task.dismissed", actor=actor, target=row, tenant=tenant,
                     changes={"status": [before, row.status]},
                     metadata={"task": row.task_name, "task_id": row.task_id})
    return row


def failed_tasks_prune(*, before: datetime) -> int:
    """Delete the rows closed before `before`: dismissed ones, and retried ones that did not
    fail again (a failure since would have made them failed). Open failures stay."""
    S = FailedTask.Status
    deleted, _by_model = FailedTask.objects.filter(
        Q(status=S.DISMISSED, dismissed_at__lt=before) | Q(status=S.RETRIED, retried_at__lt=before)).delete()
    return deleted
