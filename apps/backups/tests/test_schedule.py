"""Scheduled backups per plan and retention (apps.backups.schedule)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from apps.backups.models import Backup
from apps.backups.schedule import backups_prune, backups_schedule, tenants_due
from apps.billing.tests.factories import active_subscription, plan_with_price


@pytest.fixture
def paid_alpha(db, tenant_alpha):
    plan = plan_with_price("backup-paid", "29000")
    active_subscription(tenant_alpha, plan)
    return tenant_alpha


def test_paid_tenants_are_due_once_a_day(paid_alpha, tenant_beta, settings, django_capture_on_commit_callbacks):
    free = plan_with_price("backup-free", "0")
    active_subscription(tenant_beta, free)
    assert tenants_due() == [paid_alpha]  # beta's plan costs nothing
    with django_capture_on_commit_callbacks() as sent:
        queued = backups_schedule()
    assert len(queued) == 1 and len(sent) == 1  # its task, after commit
    backup = Backup.objects.get(pk=queued[0])
    assert backup.tenant == paid_alpha and backup.kind == Backup.Kind.SCHEDULED and backup.status == "queued"
    assert tenants_due() == []  # not again within the day
    assert tenants_due(now=timezone.now() + dt.timedelta(days=1)) == [paid_alpha]

    settings.BACKUP_PLAN_KEEP = {"backup-paid": 0, "backup-free": 2}  # per plan: none, and some for free
    assert tenants_due(now=timezone.now() + dt.timedelta(days=1)) == [tenant_beta]


def test_retention_keeps_the_plans_number_and_removes_old_manual_ones(paid_alpha, settings, tmp_path):
    settings.BACKUP_SCHEDULED_KEEP = 2
    settings.BACKUP_KEEP_DAYS = 30
    now = timezone.now()

    def made(kind, days_ago):
        path = tmp_path / f"{kind}-{days_ago}.tar.gz"
        path.write_bytes(b"x")
        backup = Backup.objects.create(tenant=paid_alpha, tenant_slug="alpha", kind=kind, status="succeeded",
                                       path=str(path))
        Backup.objects.filter(pk=backup.pk).update(created_at=now - dt.timedelta(days=days_ago))
        return backup

    scheduled = [made(Backup.Kind.SCHEDULED, days) for days in (0, 1, 2, 3)]
    recent_manual, old_manual = made(Backup.Kind.MANUAL, 5), made(Backup.Kind.MANUAL, 40)
    assert backups_prune(now=now) == 3
    left = set(Backup.objects.filter(tenant=paid_alpha).values_list("pk", flat=True))
    assert left == {scheduled[0].pk, scheduled[1].pk, recent_manual.pk}
    assert not Path(old_manual.path).exists() and not Path(scheduled[3].path).exists()
    assert Path(scheduled[0].path).exists()
