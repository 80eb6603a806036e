"""Settlement through real Celery workers: a run settles tenants on the shared test worker,
and a worker whose process is killed (SIGKILL) in the middle of a tenant's batch leaves
nothing half-written; the message comes back and the batch is made once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
from django.db import connection, transaction

from apps.settlement.models import RunItem, SettlementBatch, SettlementLine, SettlementRun
from apps.settlement.services.runs import run_start
from apps.settlement.tests.helpers import at, pay, refund
from apps.tenants.models import Tenant
from tests.plugin import ROOT, artifact_log, create_provisioned, subprocess_env, wait_for

pytestmark = pytest.mark.worker


def _tenant(committed, slug: str) -> Tenant:
    return create_provisioned(slug=committed.tenant_slug(slug), name=slug.title(), business_type="food",
                              owner_email=committed.email(f"owner@{slug}.test"))


def _forget_settlement(*tenants) -> None:
    SettlementLine.objects.filter(tenant__in=tenants).delete()
    SettlementBatch.objects.filter(tenant__in=tenants).delete()
    RunItem.objects.filter(tenant__in=tenants).delete()


def test_a_run_settles_through_the_worker(celery_worker_process, committed):
    north, south = _tenant(committed, "settle-north"), _tenant(committed, "settle-south")
    try:
        paid = pay(north.schema_name, 41000, at("2026-11-14"))
        refund(north.schema_name, paid, 1000, at("2026-11-15"))
        pay(south.schema_name, 7700, at("2026-11-30", 22))
        run = run_start(as_of=at("2026-12-02"), tenant_ids=[north.pk, south.pk])
        wait_for(lambda: SettlementRun.objects.get(pk=run.pk).status != "running", "the run to finish", seconds=60)
        run.refresh_from_db()
        assert (run.status, run.total, run.succeeded) == ("succeeded", 2, 2)
        batches = {batch.tenant.slug: batch for batch in SettlementBatch.objects.filter(run=run)}
        assert batches["settle-north"].gross == 41000 and batches["settle-north"].refunds == 1000
        assert batches["settle-south"].gross == 7700
        assert sorted(RunItem.objects.filter(run=run).values_list("status", flat=True)) == ["succeeded"] * 2
    finally:
        _forget_settlement(north, south)


def _prefork_worker(queue: str, log):
    """A worker of our own (prefork, one child) on its own queue: its child can be killed alone."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "platform_", "worker", "-P", "prefork", "-c", "1", "-l", "info",
         "-Q", queue, "--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"kill-{os.getpid()}@%h"],
        cwd=ROOT, env=subprocess_env(), stdout=log, stderr=subprocess.STDOUT)
    return process


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def test_a_worker_killed_mid_batch_leaves_nothing_half_written(committed):
    from apps.settlement.tasks import settle_tenant

    tenant = _tenant(committed, "settle-killed")
    queue = f"settle-kill-{os.getpid()}"
    log_path = artifact_log("settlement-kill-worker")
    payments = [pay(tenant.schema_name, 1000 * (n + 1), at("2026-11-10") + dt.timedelta(hours=n)) for n in range(30)]
    run = SettlementRun.objects.create(as_of=at("2026-12-02"), total=1)
    item = RunItem.objects.create(run=run, tenant=tenant)
    try:
        with log_path.open("w") as log:
            worker = _prefork_worker(queue, log)
        try:
            wait_for(lambda: "ready." in log_path.read_text(), "the worker to start", seconds=60)
            # An uncommitted line claiming the last payment: the worker's INSERT of the
            # batch's lines waits on it, in the middle of its transaction.
            with transaction.atomic():
                blocker = SettlementBatch.objects.create(
                    tenant=tenant, cycle="monthly", period_start=dt.date(2020, 1, 1), period_end=dt.date(2020, 2, 1),
                    window_end=at("2020-02-01", 0), currency="KRW")
                SettlementLine.objects.create(
                    batch=blocker, tenant=tenant, kind="payment", source_id=payments[-1].pk, reference="blocker",
                    payment_reference="blocker", order_number=1, occurred_at=at("2020-01-05"), amount=0,
                    commission_rate=0, commission=0, fee=0, vat=0, net=0)
                settle_tenant.apply_async((item.pk,), queue=queue)
                wait_for(lambda: _waiting_on_our_line(), "the worker to wait on the line", seconds=60)
                children = _children(worker.pid)
                assert children, "prefork worker has no child"
                for child in children:
                    os.kill(child, signal.SIGKILL)
                transaction.set_rollback(True)  # the blocker goes: the redelivered task can finish
            connection.set_schema_to_public()
            wait_for(lambda: RunItem.objects.get(pk=item.pk).status == "succeeded", "the redelivered task",
                     seconds=90)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
        item.refresh_from_db()
        assert item.attempts == 2  # the killed attempt, then the redelivered one
        batch = SettlementBatch.objects.get(tenant=tenant)
        assert batch.payments_count == 30 and batch.gross == sum(p.amount for p in payments)
        assert SettlementLine.objects.filter(tenant=tenant).count() == 30
        assert "WorkerLostError" in log_path.read_text() or "SIGKILL" in log_path.read_text()
    finally:
        _forget_settlement(tenant)
        SettlementRun.objects.filter(pk=run.pk).delete()


def _waiting_on_our_line() -> bool:
    """Another backend of this database waits on a lock (our uncommitted line). Inside a
    transaction the activity view is a snapshot taken at first read: clear it first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT pid, wait_event_type, wait_event, left(query, 80) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'")
        rows = cursor.fetchall()
    return any(row[1] == "Lock" for row in rows)
