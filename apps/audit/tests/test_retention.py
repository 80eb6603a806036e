"""Audit retention (apps.audit.retention): events older than the period are archived to a
gzipped JSON-lines file and deleted, leaving a signed checkpoint; the chain still verifies
after pruning, and tampering with a remaining row, a checkpoint or the archive file is
detected. The daily run (apps.ops.retention) applies every rule; beat runs it."""

import gzip
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from apps.audit.models import AuditCheckpoint, AuditEvent
from apps.audit.retention import audit_archive, audit_verify_archive
from apps.audit.services import audit_record, audit_verify_chains
from apps.inbound.models import InboundEvent
from apps.ops.models import FailedTask
from apps.ops.retention import retention_run
from platform_.celery import collect_beat_schedule
from tests.plugin import hq_client


@pytest.fixture(autouse=True)
def archive_root(settings, tmp_path):
    settings.ARCHIVE_ROOT = str(tmp_path / "archive")
    return Path(settings.ARCHIVE_ROOT)


def record_events(tenant, count, prefix="old"):
    return [audit_record(action=f"test.{prefix}", tenant=tenant, metadata={"n": n}) for n in range(count)]


def alpha_chain(tenant):
    return audit_verify_chains(tenant_slug=tenant.slug)[0]


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_old_events_are_archived_and_pruned_and_the_chain_still_verifies(tenant_alpha, archive_root):
    old = record_events(tenant_alpha, 3)
    cutoff = timezone.now()
    recent = record_events(tenant_alpha, 2, prefix="recent")
    chain_id = old[0].chain_id
    archived_ids = list(AuditEvent.objects.filter(chain_id=chain_id, created_at__lt=cutoff).order_by("seq")
                        .values_list("id", flat=True))

    results = {result.chain_id: result for result in audit_archive(before=cutoff)}
    result = results[chain_id]
    assert result.archived == len(archived_ids) and not result.problems
    assert not AuditEvent.objects.filter(pk__in=archived_ids).exists()
    assert list(AuditEvent.objects.filter(chain_id=chain_id).order_by("seq")) == recent

    checkpoint = AuditCheckpoint.objects.get(chain_id=chain_id)
    assert (checkpoint.from_seq, checkpoint.to_seq, checkpoint.count) == (1, old[-1].seq, len(archived_ids))
    assert checkpoint.last_hash == old[-1].hash and recent[0].prev_hash == checkpoint.last_hash
    path = archive_root / checkpoint.archive_path
    with gzip.open(path, "rt") as lines:
        archived = [json.loads(line) for line in lines]
    assert [line["id"] for line in archived] == archived_ids  # the file holds exactly the pruned events
    assert archived[-1]["hash"] == old[-1].hash and archived[-1]["action"] == "test.old"
    assert archived[-1]["metadata"] == {"n": 2}

    report = alpha_chain(tenant_alpha)
    assert report.problems == [] and report.events == 2 and report.archived == len(archived_ids)
    call_command("verify_audit_log", "--tenant", tenant_alpha.slug, "--archives")
    call_command("verify_audit_archive", str(path))
    assert audit_verify_archive(path)[1] == []
    # HQ reads the checkpoints in the portal (Security > Audit archive)
    listing = hq_client().get("/admin/audit/auditcheckpoint/")
    assert listing.status_code == 200 and checkpoint.archive_path in listing.content.decode()
    # an archive file that disappears is reported by --archives
    path.unlink()
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit_log", "--tenant", tenant_alpha.slug, "--archives")


def test_a_second_run_continues_from_the_checkpoint(tenant_alpha):
    record_events(tenant_alpha, 2)
    first_cut = timezone.now()
    record_events(tenant_alpha, 2, prefix="middle")
    second_cut = timezone.now()
    last = record_events(tenant_alpha, 1, prefix="recent")
    audit_archive(before=first_cut)
    audit_archive(before=second_cut)
    audit_archive(before=second_cut)  # nothing more to archive: no empty segment
    checkpoints = list(AuditCheckpoint.objects.filter(chain_id=last[0].chain_id).order_by("to_seq"))
    assert len(checkpoints) == 2 and checkpoints[1].from_seq == checkpoints[0].to_seq + 1
    assert checkpoints[1].previous_signature == checkpoints[0].signature
    report = alpha_chain(tenant_alpha)
    assert report.problems == [] and report.events == 1


def test_tampering_with_a_remaining_row_is_detected_after_pruning(tenant_alpha):
    record_events(tenant_alpha, 2)
    cutoff = timezone.now()
    recent = record_events(tenant_alpha, 2, prefix="recent")
    audit_archive(before=cutoff)
    sql(f"UPDATE {AuditEvent._meta.db_table} SET action = 'test.forged' WHERE id = %s", [recent[0].pk])
    problems = alpha_chain(tenant_alpha).problems
    assert any(f"event {recent[0].pk}: content does not match" in problem for problem in problems)
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit_log", "--tenant", tenant_alpha.slug)


def test_deleting_the_first_remaining_row_or_forging_the_checkpoint_is_detected(tenant_alpha):
    record_events(tenant_alpha, 2)
    cutoff = timezone.now()
    recent = record_events(tenant_alpha, 2, prefix="recent")
    audit_archive(before=cutoff)
    checkpoint = AuditCheckpoint.objects.get(chain_id=recent[0].chain_id)
    # a forger moves the checkpoint on over a deleted row: the signature gives it away
    sql(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [recent[0].pk])
    assert any("chain broken" in problem for problem in alpha_chain(tenant_alpha).problems)
    sql(f"UPDATE {AuditCheckpoint._meta.db_table} SET to_seq = %s, last_hash = %s, count = count + 1 WHERE id = %s",
        [recent[0].seq, recent[0].hash, checkpoint.pk])
    problems = alpha_chain(tenant_alpha).problems
    assert any("signature does not match" in problem for problem in problems)
    # and removing the checkpoint altogether leaves rows that start in the middle of the chain
    sql(f"DELETE FROM {AuditCheckpoint._meta.db_table} WHERE id = %s", [checkpoint.pk])
    assert any("chain broken" in problem for problem in alpha_chain(tenant_alpha).problems)


def test_tampering_with_the_archive_file_is_detected(tenant_alpha, archive_root):
    record_events(tenant_alpha, 3)
    cutoff = timezone.now()
    events = record_events(tenant_alpha, 1, prefix="recent")
    audit_archive(before=cutoff)
    checkpoint = AuditCheckpoint.objects.get(chain_id=events[0].chain_id)
    path = archive_root / checkpoint.archive_path
    with gzip.open(path, "rt") as handle:
        lines = [json.loads(line) for line in handle]
    lines[-1]["metadata"] = {"n": 999}
    with gzip.open(path, "wt") as handle:
        handle.writelines(json.dumps(line) + "\n" for line in lines)
    _checkpoint, problems = audit_verify_archive(path)
    assert any("SHA-256 differs" in problem for problem in problems)
    assert any("content does not match its hash" in problem for problem in problems)
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit_archive", str(path))
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit_log", "--tenant", tenant_alpha.slug, "--archives")
    # the database side alone still verifies: the file is what was altered
    assert alpha_chain(tenant_alpha).problems == []


def test_a_tampered_segment_is_not_archived(tenant_alpha):
    old = record_events(tenant_alpha, 3)
    cutoff = timezone.now()
    sql(f"UPDATE {AuditEvent._meta.db_table} SET action = 'test.forged' WHERE id = %s", [old[1].pk])
    result = next(r for r in audit_archive(before=cutoff) if r.chain_id == old[0].chain_id)
    assert result.archived == 0 and any("does not verify" in problem for problem in result.problems)
    assert AuditEvent.objects.filter(pk=old[0].pk).exists()
    assert not AuditCheckpoint.objects.filter(chain_id=old[0].chain_id).exists()


def test_the_daily_run_applies_every_rule(settings, tenant_alpha):
    settings.AUDIT_RETENTION_DAYS, settings.FAILED_TASKS_RETENTION_DAYS, settings.INBOUND_RETENTION_DAYS = 30, 10, 10
    now = timezone.now()
    record_events(tenant_alpha, 2)
    later = now + timedelta(days=31)  # as if the run happened a month later
    old_task = FailedTask.objects.create(task_name="x", task_id="old", exception_type="E", first_failed_at=now,
                                         last_failed_at=now, status="dismissed", dismissed_at=now)
    open_task = FailedTask.objects.create(task_name="x", task_id="open", exception_type="E", first_failed_at=now,
                                          last_failed_at=now)
    handled = InboundEvent.objects.create(source="payments", event_id="e1", status="processed")
    failed = InboundEvent.objects.create(source="payments", event_id="e2", status="failed")
    InboundEvent.objects.filter(pk__in=[handled.pk, failed.pk]).update(received_at=now - timedelta(days=1))
    summary = retention_run(now=later)
    assert summary["audit_events_archived"] >= 2 and "audit_problems" not in summary
    assert summary["failed_tasks_deleted"] == 1 and summary["inbound_events_deleted"] >= 1
    assert not FailedTask.objects.filter(pk=old_task.pk).exists()
    assert FailedTask.objects.filter(pk=open_task.pk).exists()
    assert not InboundEvent.objects.filter(pk=handled.pk).exists()
    assert InboundEvent.objects.filter(pk=failed.pk).exists()
    assert audit_verify_chains(tenant_slug=tenant_alpha.slug)[0].problems == []


def test_a_zero_period_keeps_everything(settings, tenant_alpha):
    settings.AUDIT_RETENTION_DAYS = settings.FAILED_TASKS_RETENTION_DAYS = settings.INBOUND_RETENTION_DAYS = 0
    record_events(tenant_alpha, 1)
    assert retention_run(now=timezone.now() + timedelta(days=3650)) == {}


def test_beat_runs_retention_daily():
    entry = collect_beat_schedule()["ops.retention"]
    assert entry["task"] == "ops.retention" and entry["schedule"].hour == {3}
