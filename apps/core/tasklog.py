"""Celery tasks in the logs: a task sent while a request is served carries the request's
id (a message header), and every record the task writes, with its one closing line (task,
outcome, duration), carries that id, the task's own id and name, and the tenant schema it
runs in (the header tenant-schemas-celery adds)."""

from __future__ import annotations

import logging
import time

from celery.signals import before_task_publish, task_failure, task_postrun, task_prerun

from .logging import request_context

task_logger = logging.getLogger("apps.core.tasks")
_started: dict[str, tuple[float, object]] = {}


@before_task_publish.connect(dispatch_uid="apps.core.tasklog.publish")
def _carry_request_id(headers=None, **kwargs):
    request_id = request_context.get().get("request_id")
    if headers is not None and request_id and "request_id" not in headers:
        headers["request_id"] = request_id


def _header(task, name: str):
    headers = getattr(task.request, "headers", None) or {}
    return headers.get(name) or task.request.get(name)


@task_prerun.connect(dispatch_uid="apps.core.tasklog.prerun")
def _open(task_id=None, task=None, **kwargs):
    token = request_context.set({"request_id": _header(task, "request_id") or "-", "task": task.name,
                                 "task_id": task_id, "tenant": _header(task, "_schema_name") or "public"})
    _started[task_id] = (time.monotonic(), token)


@task_failure.connect(dispatch_uid="apps.core.tasklog.failure")
def _failed(task_id=None, exception=None, **kwargs):
    context = request_context.get()
    if context:
        context["error"] = type(exception).__name__


@task_postrun.connect(dispatch_uid="apps.core.tasklog.postrun")
def _close(task_id=None, task=None, state=None, **kwargs):
    started, token = _started.pop(task_id, (None, None))
    duration_ms = round((time.monotonic() - started) * 1000) if started is not None else None
    error = request_context.get().get("error")
    task_logger.log(logging.INFO if state == "SUCCESS" else logging.WARNING, "task %s %s %sms", task.name, state,
                    duration_ms, extra={"task": task.name, "task_id": task_id, "state": state,
                                        "duration_ms": duration_ms, **({"error": error} if error else {})})
    if token is not None:
        request_context.reset(token)
