"""Celery's promises: every task on a declared queue (slow kinds apart from quick ones),
acknowledged only once done and given back when its worker dies, a visibility timeout
above the longest task, and one beat however many are started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from platform_.celery import app
from platform_.settings.queues import KINDS, queue_name
from tests.plugin import ROOT, _stop, artifact_log, subprocess_env, wait_for

EXPECTED_KIND = {  # a task of each kind, by name
    "tenants.provision_tenant": "provisioning", "webhooks.deliver": "webhooks", "webhooks.retry_due": "webhooks",
    "inbound.post_signed_webhook": "webhooks", "notifications.send": "notifications",
    "announcements.email_owners": "notifications", "settlement.settle_tenant": "settlement",
    "settlement.start_run": "settlement", "events.dispatch": None, "billing.run_dunning": None,
}


def _ours() -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_is_routed_to_a_declared_queue():
    declared = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    default = settings.CELERY_TASK_DEFAULT_QUEUE
    assert declared == {default, *(queue_name(default, kind) for kind in KINDS)}
    tasks = _ours()
    assert set(EXPECTED_KIND) <= set(tasks)
    for name in tasks:
        queue = app.amqp.router.route({}, name)["queue"].name
        assert queue in declared, (name, queue)
        if name in EXPECTED_KIND:
            assert queue == queue_name(default, EXPECTED_KIND[name]), name


def test_tasks_are_acknowledged_late_and_given_back_when_a_worker_dies():
    for name, task in _ours().items():
        assert task.acks_late, name
        assert task.reject_on_worker_lost in (True, None), name  # None: the setting's True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_the_visibility_timeout_outlasts_the_longest_task():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = [settings.CELERY_TASK_TIME_LIMIT, *(task.time_limit for task in _ours().values() if task.time_limit)]
    assert visibility > max(limits) > 0


def _beat(name: str, queue: str) -> tuple[subprocess.Popen, object]:
    log_path = artifact_log(name)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "platform_", "beat", "-l", "info", "--max-interval", "1",
             "-s", str(log_path.with_suffix(".schedule"))],
            cwd=ROOT, env=subprocess_env(CELERY_QUEUE=queue), stdout=log, stderr=subprocess.STDOUT)
    return process, log_path


@pytest.mark.worker
def test_a_second_beat_stands_by_until_the_first_is_gone(committed):
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-beat"  # what the beats send, nobody takes
    first, first_log = _beat("beat-first", queue)
    second = None
    try:
        wait_for(lambda: "beat lock acquired" in first_log.read_text() or first.poll() is not None,
                 "the first beat to take the lock", seconds=60)
        assert first.poll() is None, first_log.read_text()[-3000:]
        second, second_log = _beat("beat-second", queue)
        wait_for(lambda: "standing by" in second_log.read_text() or second.poll() is not None,
                 "the second beat to stand by", seconds=60)
        assert second.poll() is None, second_log.read_text()[-3000:]
        assert "beat lock acquired" not in second_log.read_text()
        first.send_signal(signal.SIGKILL)  # no clean shutdown: the server drops its lock with its connection
        first.wait(10)
        wait_for(lambda: "beat lock acquired" in second_log.read_text(), "the second beat to take over", seconds=30)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                _stop(process, seconds=10)
        with app.connection_for_write() as conn:
            for name in (queue, *(queue_name(queue, kind) for kind in KINDS)):
                conn.default_channel.queue_purge(name)
        for path in ROOT.glob("test-artifacts/beat-*.schedule*"):
            os.remove(path)
