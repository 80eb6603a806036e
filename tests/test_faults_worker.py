"""Faults around Celery workers: a worker killed (SIGKILL, the whole process) in the middle
of provisioning a tenant. The message was never acknowledged (acks_late): the broker puts
it back after the visibility timeout, another worker takes it, and the tenant ends active,
never half-made; beat runs once however many are started."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_exists

from apps.accounts.models import Membership, User
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create
from apps.tenants.tasks import provision_tenant
from platform_.celery import app
from tests.plugin import ROOT, _stop, artifact_log, subprocess_database_url, subprocess_env, wait_for

pytestmark = pytest.mark.worker


def _worker(name: str, queue: str, **env) -> tuple[subprocess.Popen, object]:
    log_path = artifact_log(name)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "platform_", "worker", "-P", "solo", "-l", "info",
             "--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"{name}-{os.getpid()}@%h"],
            cwd=ROOT, env=subprocess_env(CELERY_QUEUE=queue, **env), stdout=log, stderr=subprocess.STDOUT)
    wait_for(lambda: "ready." in log_path.read_text() or process.poll() is not None, f"{name} to start", seconds=60)
    assert process.poll() is None, log_path.read_text()[-3000:]
    return process, log_path


def _backends_waiting_on_a_lock(conn: psycopg.Connection) -> int:
    conn.execute("SELECT pg_stat_clear_snapshot()")  # in a transaction the view is a snapshot otherwise
    return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'").fetchone()[0]


def _purge(queue: str) -> None:
    """Empty our queues, and forget messages of theirs that killed workers of earlier runs
    never acknowledged (kombu keeps those in the `unacked` hash, for any worker to restore)."""
    names = {queue, f"{queue}.provisioning"}
    with app.connection_for_write() as conn:
        for name in names:
            conn.default_channel.queue_purge(name)
        client = conn.default_channel.client
        for tag, raw in client.hgetall("unacked").items():
            if json.loads(raw)[2] in names:  # [payload, exchange, routing key]
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)


def test_a_worker_killed_mid_provisioning_leaves_the_tenant_active_after_redelivery(committed):
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-kill"
    slug = committed.tenant_slug("killed-mid")
    email = committed.email("owner@killed-mid.test")
    tenant = tenant_create(slug=slug, name="Killed Mid", business_type="academy", owner_email=email, provision=False)
    Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.PROVISIONING)  # as tenant_start_provisioning
    _purge(queue)
    fast_restore = {"CELERY_VISIBILITY_TIMEOUT": "3"}  # production: an hour, above the longest task
    first, first_log = _worker("provision-killed", queue, **fast_restore)
    second = None
    try:
        with psycopg.connect(subprocess_database_url()) as blocker:
            # The memberships table locked against writes: the worker's attempt stops at the
            # owner's membership, after its schema was created, inside its transaction.
            blocker.execute("LOCK TABLE accounts_membership IN SHARE MODE")
            sent = provision_tenant.apply_async((tenant.pk,), queue=f"{queue}.provisioning")
            wait_for(lambda: _backends_waiting_on_a_lock(blocker) > 0, "the attempt to wait on the lock", seconds=60)
            assert schema_exists(tenant.schema_name)  # the dying attempt got this far
            first.send_signal(signal.SIGKILL)
            first.wait(10)
            blocker.rollback()
        tenant.refresh_from_db()
        assert tenant.status == Tenant.Status.PROVISIONING
        second, second_log = _worker("provision-redelivered", queue, **fast_restore)
        started = time.monotonic()
        wait_for(lambda: Tenant.objects.get(pk=tenant.pk).status != Tenant.Status.PROVISIONING,
                 "the redelivered attempt", seconds=90)
        recovered_s = time.monotonic() - started
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                _stop(process, seconds=10)
        _purge(queue)
    tenant.refresh_from_db()
    assert tenant.status == Tenant.Status.ACTIVE, (tenant.provisioning_error, second_log.read_text()[-3000:])
    assert f"[{sent.id}] received" in first_log.read_text()  # the killed worker had taken it
    assert f"[{sent.id}] succeeded" in second_log.read_text()  # the same message, delivered again
    assert "interrupted provisioning attempt" in second_log.read_text()
    owner = User.objects.get(email=email)  # one owner, one membership: the dead attempt left none
    assert list(Membership.objects.filter(tenant=tenant).values_list("user_id", "status")) == [(owner.pk, "active")]
    assert tenant.owner_id == owner.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema, count(*) FROM information_schema.tables WHERE table_schema IN "
                       "(%s, 'alpha') GROUP BY 1", [tenant.schema_name])
        tables = dict(cursor.fetchall())
        cursor.execute(f'SELECT count(*) FROM "{tenant.schema_name}".rbac_role')
        roles = cursor.fetchone()[0]
    assert tables[tenant.schema_name] == tables["alpha"] and roles > 0  # complete, as any tenant's
    print(f"redelivered and provisioned {recovered_s:.1f} s after the second worker started")


def test_provisioning_whose_task_was_lost_is_sent_again(celery_worker_process, committed):
    """The broker was away when provisioning was asked for (the task never queued): the
    beat's sweep sends it again once it is overdue, and the worker provisions."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.tenants.lifecycle import provisioning_stuck_after
    from apps.tenants.models import TenantStatusChange
    from apps.tenants.tasks import resend_stuck_provisioning

    slug = committed.tenant_slug("lost-task")
    committed.email("owner@lost-task.test")
    tenant = tenant_create(slug=slug, name="Lost Task", business_type="food", owner_email="owner@lost-task.test",
                           provision=False)
    long_ago = timezone.now() - provisioning_stuck_after() - timedelta(minutes=1)
    Tenant.objects.filter(pk=tenant.pk).update(status=Tenant.Status.PROVISIONING, created_at=long_ago)
    TenantStatusChange.objects.create(tenant=tenant, from_status="requested", to_status="provisioning")
    assert resend_stuck_provisioning.apply().get() == []  # asked for just now: not overdue
    TenantStatusChange.objects.filter(tenant=tenant).update(created_at=long_ago)
    assert resend_stuck_provisioning.apply().get() == [slug]
    wait_for(lambda: Tenant.objects.get(pk=tenant.pk).status == Tenant.Status.ACTIVE, "the worker to provision",
             seconds=90)
    assert resend_stuck_provisioning.apply().get() == []
