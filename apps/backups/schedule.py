"""Scheduled backups per plan, and retention.

A tenant on a paid plan (a price above zero in force today, its subscription not
cancelled) is backed up once a day; BACKUP_PLAN_KEEP names, per plan code, how many of its
scheduled backups are kept (0: none made), BACKUP_SCHEDULED_KEEP for every other paid plan.
Manual and pre-restore backups are kept BACKUP_KEEP_DAYS. Pruning removes the file and
the row; failed backups go after the same time as manual ones."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.billing.catalog import price_in_force
from apps.billing.errors import NoPrice
from apps.billing.models import Plan, Subscription
from apps.core.clock import platform_today
from apps.tenants.models import Tenant

from .models import Backup, Restore

logger = logging.getLogger(__name__)
DAY = timedelta(hours=23)  # a day, less the time the last one took to start


def plan_keep() -> dict[int, int]:
    """{plan id: scheduled backups kept} for every plan that gets them."""
    today = platform_today()
    kept = {}
    for plan in Plan.objects.all():
        keep = settings.BACKUP_PLAN_KEEP.get(plan.code)
        if keep is None:
            try:
                paid = price_in_force(plan=plan, on=today).amount > 0
            except NoPrice:
                paid = False
            keep = settings.BACKUP_SCHEDULED_KEEP if paid else 0
        if int(keep) > 0:
            kept[plan.pk] = int(keep)
    return kept


def tenants_due(now=None) -> list[Tenant]:
    now = now or timezone.now()
    plans = plan_keep()
    if not plans:
        return []
    recent = Backup.objects.filter(kind=Backup.Kind.SCHEDULED, created_at__gt=now - DAY).values("tenant_id")
    return list(Tenant.objects.filter(
        status=Tenant.Status.ACTIVE, subscription__plan_id__in=plans,
    ).exclude(subscription__status=Subscription.Status.CANCELLED).exclude(pk__in=recent).order_by("pk"))


def backups_schedule(now=None) -> list[int]:
    """Beat: queue a scheduled backup of every tenant due one (its task after commit)."""
    from .services import backup_queue
    from .tasks import run_backup

    queued = []
    for tenant in tenants_due(now):
        with transaction.atomic():
            backup = backup_queue(tenant=tenant, kind=Backup.Kind.SCHEDULED)
            transaction.on_commit(lambda pk=backup.pk: run_backup.delay(pk), robust=True)
        queued.append(backup.pk)
    return queued


def _remove(backup: Backup) -> None:
    if backup.path:
        try:
            Path(backup.path).unlink(missing_ok=True)
        except OSError:
            logger.warning("backup file %s could not be removed", backup.path)
    backup.delete()


def backups_prune(now=None) -> int:
    """Beat: scheduled backups beyond their plan's number, others older than BACKUP_KEEP_DAYS."""
    now = now or timezone.now()
    plans = plan_keep()
    removed = 0
    done = [Backup.Status.SUCCEEDED, Backup.Status.FAILED]
    in_use = Restore.objects.filter(status__in=[Restore.Status.QUEUED, Restore.Status.RUNNING]).values("backup_id")
    scheduled = Backup.objects.filter(kind=Backup.Kind.SCHEDULED, status__in=done).exclude(pk__in=in_use)
    for tenant_id in scheduled.values_list("tenant_id", flat=True).distinct():
        plan_id = Subscription.objects.filter(tenant_id=tenant_id).values_list("plan_id", flat=True).first()
        keep = plans.get(plan_id, 0)
        ordered = scheduled.filter(tenant_id=tenant_id).order_by("-created_at", "-id")
        # a tenant whose plan no longer gets them keeps its newest one until it ages out
        for backup in ordered[max(keep, 1):]:
            _remove(backup)
            removed += 1
    cutoff = now - timedelta(days=settings.BACKUP_KEEP_DAYS)
    for backup in Backup.objects.filter(created_at__lt=cutoff, status__in=done).exclude(pk__in=in_use):
        _remove(backup)
        removed += 1
    return removed
