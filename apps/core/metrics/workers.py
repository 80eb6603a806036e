"""Celery's metrics, counted where tasks run (a worker's processes; the web's own process in
eager mode): `platform_celery_tasks_total{task, outcome}`, the duration histogram
`platform_celery_task_duration_seconds{task}` and the per-tenant `platform_tenant_tasks_total`.

Workers run in other containers than the web, so each worker exposes its own: with
WORKER_METRICS_PORT set, the worker's main process serves the metrics on
WORKER_METRICS_ADDRESS:WORKER_METRICS_PORT (any path), readable by the same callers as the
web's /metrics (METRICS_TOKEN or METRICS_ALLOWED_NETWORKS, the peer's address: no proxy in
front). With prefork children, PROMETHEUS_MULTIPROC_DIR must be set to a directory of the
worker's own, emptied before it starts (docker/entrypoint.sh): the children write their
samples there and the main process adds them up when scraped. Beat runs no task and
exposes nothing.

Imported by platform_/celery.py while Django's settings load: imports nothing of Django or
prometheus_client until a signal arrives.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from celery.signals import (
    task_postrun,
    task_prerun,
    task_rejected,
    task_revoked,
    task_unknown,
    worker_init,
    worker_process_shutdown,
    worker_ready,
)

logger = logging.getLogger(__name__)

# task_postrun's state -> the outcome label
OUTCOMES = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried", "REJECTED": "rejected",
            "IGNORED": "ignored"}
UNREGISTERED = "unregistered"  # the task label of messages naming no task we know (any name: unbounded)

_started: dict[str, tuple[float, str]] = {}
_server = None


@task_prerun.connect(dispatch_uid="apps.core.metrics.workers.prerun")
def _task_started(task_id=None, task=None, **kwargs):
    # tenant-schemas-celery's own prerun receiver (connected first) has set the task's schema
    from django.db import connection

    from .tenants import tenant_label_for

    _started[task_id] = (time.monotonic(), tenant_label_for(getattr(connection, "tenant", None)))


@task_postrun.connect(dispatch_uid="apps.core.metrics.workers.postrun")
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    from .definitions import TASK_SECONDS, TASKS, TENANT_TASKS

    started, tenant = _started.pop(task_id, (None, None))
    outcome = OUTCOMES.get(state, "other")
    TASKS.labels(task=task.name, outcome=outcome).inc()
    if started is not None:
        TASK_SECONDS.labels(task=task.name).observe(time.monotonic() - started)
        TENANT_TASKS.labels(tenant=tenant, outcome=outcome).inc()


@task_revoked.connect(dispatch_uid="apps.core.metrics.workers.revoked")
def _task_revoked(sender=None, request=None, **kwargs):
    from .definitions import TASKS

    TASKS.labels(task=getattr(sender, "name", None) or UNREGISTERED, outcome="revoked").inc()


@task_unknown.connect(dispatch_uid="apps.core.metrics.workers.unknown")
def _task_unknown(**kwargs):
    from .definitions import TASKS

    TASKS.labels(task=UNREGISTERED, outcome="unknown").inc()


@task_rejected.connect(dispatch_uid="apps.core.metrics.workers.rejected")
def _message_rejected(**kwargs):
    from .definitions import TASKS

    TASKS.labels(task=UNREGISTERED, outcome="rejected").inc()


@worker_init.connect(dispatch_uid="apps.core.metrics.workers.init")
def _worker_init(**kwargs):
    from . import database  # noqa: F401  (counts connections opened; the children inherit the receiver)


@worker_ready.connect(dispatch_uid="apps.core.metrics.workers.ready")
def _worker_ready(**kwargs):
    """Serve the metrics from the main process once the pool runs."""
    from django.conf import settings

    if settings.WORKER_METRICS_PORT:
        serve(settings.WORKER_METRICS_ADDRESS, settings.WORKER_METRICS_PORT)


@worker_process_shutdown.connect(dispatch_uid="apps.core.metrics.workers.process_shutdown")
def _child_exit(pid=None, **kwargs):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())  # its live gauges' files, if any


def serve(address: str, port: int):
    """Start the metrics' HTTP server in a daemon thread (once per process); its address."""
    global _server
    if _server is not None:
        return _server.server_address
    import socket
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from prometheus_client.exposition import ThreadingWSGIServer

    class Server(ThreadingWSGIServer):
        address_family = socket.AF_INET6 if ":" in address else socket.AF_INET

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - scrapes every 15 s are not news
            pass

    try:
        _server = make_server(address, port, protected_app, Server, handler_class=QuietHandler)
    except OSError:
        logger.exception("worker metrics: cannot listen on %s:%s", address, port)
        return None
    threading.Thread(target=_server.serve_forever, name="metrics-http", daemon=True).start()
    logger.info("worker metrics on %s:%s", address, port)
    return _server.server_address


def protected_app(environ, start_response):
    """The worker's metrics endpoint (WSGI): the web's rules, the web's error shape."""
    import json
    from http import HTTPStatus

    from prometheus_client import CONTENT_TYPE_LATEST

    from ..errors import error_payload
    from .access import metrics_refusal
    from .views import scrape

    refusal = metrics_refusal(authorization=environ.get("HTTP_AUTHORIZATION", ""), address=environ.get("REMOTE_ADDR"))
    if refusal is not None:
        headers = [("Content-Type", "application/json")]
        if refusal.status == 401:
            headers.append(("WWW-Authenticate", 'Bearer realm="metrics"'))
        start_response(f"{refusal.status} {HTTPStatus(refusal.status).phrase}", headers)
        return [json.dumps(error_payload(refusal.code, refusal.message)).encode()]
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        start_response("405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Type", "text/plain")])
        return [b""]
    body = scrape(database=False)
    start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body)))])
    return [body] if environ["REQUEST_METHOD"] == "GET" else [b""]
