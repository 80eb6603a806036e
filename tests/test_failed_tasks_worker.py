"""Failed tasks through a real Celery worker (apps.ops.failed_tasks): a task that fails for
good is recorded with its tenant and masked arguments; "Retry" in the portal runs it again
in the same tenant and queue (and it succeeds once its cause is gone); "Dismiss" closes it;
a task that failed once and succeeded on Celery's retry is not recorded; a task whose
retries all fail is recorded once, with every attempt counted.

The worker here registers test-only tasks (`-I tests.failing_tasks`) and consumes one queue
of its own, so that it never meets the session's shared worker."""

import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.ops.models import FailedTask
from apps.tenants.models import Tenant
from platform_.celery import app
from tests.admin_pages import portal_user, texts
from tests.plugin import ROOT, _stop, artifact_log, subprocess_env, wait_for

pytestmark = pytest.mark.worker

LIST = "/admin/ops/failedtask/"
EMAIL, PHONE, CARD = "lee.jiwoo@example.com", "010-9876-5432", "4111111111111111"


@pytest.fixture(scope="module")
def failing_worker(platform_seed):
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}.failtest"
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    log = artifact_log("failing-worker")
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "platform_", "worker", "-P", "solo", "-l", "info", "-Q", queue,
             "-I", "tests.failing_tasks", "--without-mingle", "--without-gossip", "--without-heartbeat",
             "-n", f"failtest-{uuid.uuid4().hex[:6]}@%h"],
            cwd=ROOT, env=subprocess_env(), stdout=out, stderr=subprocess.STDOUT)
    wait_for(lambda: "ready." in log.read_text() or process.poll() is not None, "the worker to start")
    assert process.poll() is None, log.read_text()[-3000:]
    yield queue
    _stop(process, seconds=20)


def send(name, queue, *, schema="public", args=(), kwargs=None):
    with schema_context(schema):
        return app.send_task(name, args=args, kwargs=kwargs or {}, queue=queue).id


def test_a_failed_task_is_recorded_retried_from_the_portal_and_dismissed(failing_worker, committed):
    tenant_alpha = Tenant.objects.get(slug="alpha")
    token = uuid.uuid4().hex
    cache.set(f"failtest:{token}:blocked", 1, 600)
    task_id = send("tests.fails_while_blocked", failing_worker, schema=tenant_alpha.schema_name,
                   args=[token, EMAIL, PHONE], kwargs={"card": CARD, "password": "s3cret-pass"})
    row = wait_for(lambda: FailedTask.objects.filter(task_id=task_id).first(), "the failure to be recorded")
    try:
        assert row.tenant_id == tenant_alpha.pk and row.schema_name == tenant_alpha.schema_name
        assert row.task_name == "tests.fails_while_blocked" and row.queue == failing_worker
        assert row.status == "failed" and row.attempts == 1 and row.exception_type == "RuntimeError"
        stored = " ".join(str(value) for value in FailedTask.objects.filter(pk=row.pk).values().first().values())
        for secret in (EMAIL, PHONE, CARD, "s3cret-pass", "9876-5432"):
            assert secret not in stored
        assert row.args_masked[0] == token and row.args_masked[1].startswith("email:")
        assert row.kwargs_masked == {"card": "[secret]", "password": "[secret]"}  # named as secrets

        # the cause is gone; HQ_ADMIN retries from the task's page
        cache.delete(f"failtest:{token}:blocked")
        client, user = portal_user("HQ_ADMIN", email=committed.email("ops-retry@platform.test"))
        response = client.post(f"{LIST}{row.pk}/retry/", follow=True)
        assert texts(response) == ["The task was sent again."]
        ran_in = wait_for(lambda: cache.get(f"failtest:{token}:done"), "the retried task to succeed")
        assert ran_in == tenant_alpha.schema_name and cache.get(f"failtest:{token}:runs") == 2
        row.refresh_from_db()
        assert row.status == "retried" and row.retried_by == user and row.attempts == 1
        assert AuditEvent.objects.filter(action="failed_task.retried", target_id=str(row.pk), actor=user).exists()

        # dismissed: closed, its kept arguments erased
        response = client.post(f"{LIST}{row.pk}/dismiss/", follow=True)
        assert texts(response) == ["The task was dismissed."]
        row.refresh_from_db()
        assert row.status == "dismissed" and row.payload_encrypted == "" and row.dismissed_by == user
    finally:
        _forget(row)


def test_a_retry_that_fails_again_counts_on_the_same_row(failing_worker, committed):
    token = uuid.uuid4().hex
    cache.set(f"failtest:{token}:blocked", 1, 600)
    task_id = send("tests.fails_while_blocked", failing_worker, args=[token, EMAIL, PHONE])
    row = wait_for(lambda: FailedTask.objects.filter(task_id=task_id).first(), "the failure to be recorded")
    try:
        assert row.tenant_id is None and row.schema_name == ""  # a platform task
        client = portal_user("HQ_MASTER", email=committed.email("ops-master@platform.test"))[0]
        client.post(f"{LIST}{row.pk}/retry/")
        wait_for(lambda: FailedTask.objects.filter(pk=row.pk, status="failed", attempts=2).exists(),
                 "the retried run's failure on the same row")
        assert FailedTask.objects.filter(task_name="tests.fails_while_blocked", task_id=task_id).count() == 1
    finally:
        _forget(row)


def test_a_task_retried_by_celery_is_recorded_only_when_it_fails_for_good(failing_worker, committed):
    token = uuid.uuid4().hex
    recovered = send("tests.fails_once_then_succeeds", failing_worker, args=[token])
    assert wait_for(lambda: cache.get(f"failtest:{token}:done"), "the retry to succeed") == 1
    doomed = send("tests.always_fails", failing_worker, args=[token])
    row = wait_for(lambda: FailedTask.objects.filter(task_id=doomed).first(), "the final failure")
    try:
        assert row.attempts == 3 and row.exception_type == "KeyError"
        assert not FailedTask.objects.filter(task_id=recovered).exists()
        assert FailedTask.objects.filter(task_name="tests.always_fails", task_id=doomed).count() == 1
    finally:
        _forget(row)


def _forget(row):
    FailedTask.objects.filter(pk=row.pk).delete()
