"""Celery's metrics from a real worker as production runs it: the prefork pool (two
children writing to the worker's own PROMETHEUS_MULTIPROC_DIR), its main process serving
them on WORKER_METRICS_PORT to the callers /metrics accepts. Tasks by name and outcome
with their durations, and per tenant. The worker consumes a queue of its own, so that no
other worker of the session takes these tasks."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests
from django.conf import settings
from django_tenants.utils import schema_context

from tests.plugin import ROOT, _stop, _wait_for_port, artifact_log, subprocess_env, wait_for
from tests.private_services import free_port
from tests.test_metrics import samples

TOKEN = "worker-metrics-token-for-tests"


@pytest.fixture(scope="module")
def metrics_worker(platform_seed, tmp_path_factory):
    from platform_.celery import app

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-metrics"
    directory = tmp_path_factory.mktemp("worker-metrics")
    port = free_port()
    with app.connection_for_write() as conn:
        conn.default_channel.queue_declare(queue, durable=True, auto_delete=False)
        conn.default_channel.queue_purge(queue)
    log = artifact_log("metrics-worker")
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "platform_", "worker", "-P", "prefork", "-c", "2", "-l", "info",
             "-Q", queue, "--without-mingle", "--without-gossip", "--without-heartbeat",
             "-n", f"metrics-{os.getpid()}@%h"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env=subprocess_env(CELERY_QUEUE=queue, PROMETHEUS_MULTIPROC_DIR=str(directory),
                               WORKER_METRICS_PORT=str(port), WORKER_METRICS_ADDRESS="127.0.0.1",
                               METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS="192.0.2.0/24"))
    try:
        _wait_for_port(port, process, log)
        yield {"queue": queue, "url": f"http://127.0.0.1:{port}/metrics", "process": process, "dir": directory}
    finally:
        _stop(process, seconds=20)


def scrape(url: str) -> str:
    response = requests.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.text


def test_the_worker_endpoint_refuses_callers_without_the_token(metrics_worker):
    url = metrics_worker["url"]
    missing = requests.get(url, timeout=10)  # loopback is not among the allowed networks here
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "not_authenticated"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 401 and "platform_celery" not in wrong.text
    assert requests.post(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).status_code == 405


def test_tasks_are_counted_by_name_outcome_and_tenant_with_durations(metrics_worker):
    from platform_.celery import app

    queue, url = metrics_worker["queue"], metrics_worker["url"]
    before = scrape(url)
    assert samples(before, "platform_celery_tasks_total") == 0
    with schema_context("alpha"):  # runs in alpha's schema: a delivery that does not exist is not sent
        app.send_task("notifications.send", args=[987654321], queue=queue)
    app.send_task("events.sweep", queue=queue)
    app.send_task("events.sweep", args=[1, 2, 3], queue=queue)  # TypeError: failed
    started = time.monotonic()

    def done():
        text = scrape(url)
        return text if samples(text, "platform_celery_tasks_total") >= 3 else None

    text = wait_for(done, "three tasks counted by the worker", seconds=60)
    assert samples(text, "platform_celery_tasks_total", task="events.sweep", outcome="succeeded") == 1
    assert samples(text, "platform_celery_tasks_total", task="events.sweep", outcome="failed") == 1
    assert samples(text, "platform_celery_tasks_total", task="notifications.send", outcome="succeeded") == 1
    assert samples(text, "platform_celery_tasks_total") == 3
    assert samples(text, "platform_celery_task_duration_seconds_count", task="events.sweep") == 2
    assert samples(text, "platform_celery_task_duration_seconds_count", task="notifications.send") == 1
    elapsed = samples(text, "platform_celery_task_duration_seconds_sum")
    assert 0 < elapsed < time.monotonic() - started + 1
    assert samples(text, "platform_tenant_tasks_total", tenant="alpha", outcome="succeeded") == 1
    assert samples(text, "platform_tenant_tasks_total", tenant="public", outcome="succeeded") == 1
    assert samples(text, "platform_tenant_tasks_total", tenant="public", outcome="failed") == 1
    # counted in the pool's children, served by the main process
    writers = {path.stem.rsplit("_", 1)[-1] for path in metrics_worker["dir"].glob("*.db")}
    assert writers - {str(metrics_worker["process"].pid)}, writers
