"""Settlement runs. Beat starts a run (hourly: tenants close at their own midnight); the
run lists the tenants with a closed period not yet settled and hands each to its own task
(a Celery group, not a chord: a chord's callback is lost when one task fails), tracked by
its RunItem. A task makes its tenant's batches one transaction each, so a worker killed
in the middle leaves whole batches or none; the message is acknowledged late and
redelivered, and making a batch again changes nothing. A failed tenant is retried alone."""

from __future__ import annotations

import datetime as dt
import logging
import traceback

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from apps.audit.services import audit_record
from apps.tenants.models import Tenant

from ..errors import RunItemNotRetryable, SettlementForbidden
from ..models import RunItem, SettlementBatch, SettlementRun
from ..periods import due_periods, local_today
from .batches import batch_make, cycles_for

logger = logging.getLogger(__name__)

# Tenants whose sales are settled: any with a schema that may hold payments.
SETTLED_STATUSES = (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED, Tenant.Status.DELETED)
STUCK_AFTER = dt.timedelta(minutes=15)  # a running item this old lost its worker and its message


def _grace() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SETTLEMENT_GRACE_MINUTES)


def _tenants():
    return Tenant.objects.filter(status__in=SETTLED_STATUSES).exclude(business_type=Tenant.BusinessType.PLATFORM)


def tenant_due(tenant: Tenant, *, cycle: str, last_end: dt.date | None, as_of: dt.datetime) -> list:
    return due_periods(cycle=cycle, today=local_today(as_of, tenant.timezone, _grace()), last_end=last_end,
                       limit=settings.SETTLEMENT_MAX_PERIODS_PER_TASK)


def tenants_due(*, as_of: dt.datetime, tenant_ids=None) -> list[int]:
    """Ids of the tenants with a closed period not yet settled at `as_of` (a few queries, whatever their number)."""
    tenants = _tenants() if tenant_ids is None else _tenants().filter(pk__in=tenant_ids)
    rows = list(tenants.values_list("pk", "timezone"))
    ids = [pk for pk, _tz in rows]
    last_ends = dict(SettlementBatch.objects.filter(tenant_id__in=ids).values_list("tenant_id")
                     .annotate(end=Max("period_end")).values_list("tenant_id", "end"))
    cycles = cycles_for(ids)
    due = []
    for pk, time_zone in rows:
        today = local_today(as_of, time_zone, _grace())
        if due_periods(cycle=cycles[pk], today=today, last_end=last_ends.get(pk), limit=1):
            due.append(pk)
    return due


def run_start(*, actor=None, as_of: dt.datetime | None = None, tenant_ids=None) -> SettlementRun | None:
    """A run over the tenants with something to settle (None when nobody has): the run
    and its items are committed first, then one task per tenant is sent as a group.
    `as_of` is never later than now: a period settled before it ends would lose the
    payments still to come in it."""
    if actor is not None and not actor.has_perm("settlement.start_settlementrun"):
        raise SettlementForbidden()
    as_of = min(as_of or timezone.now(), timezone.now())
    due = tenants_due(as_of=as_of, tenant_ids=tenant_ids)
    if not due:
        return None
    with transaction.atomic():
        run = SettlementRun.objects.create(
            as_of=as_of, total=len(due), started_by=actor,
            trigger=SettlementRun.Trigger.MANUAL if actor is not None else SettlementRun.Trigger.BEAT)
        RunItem.objects.bulk_create([RunItem(run=run, tenant_id=pk) for pk in due], batch_size=2000)
        if actor is not None:
            audit_record(action="settlement.run_started", actor=actor, target=run, metadata={"tenants": len(due)})
        item_ids = list(run.items.values_list("pk", flat=True))
        transaction.on_commit(lambda: _send(item_ids), robust=True)
    return run


def _send(item_ids: list[int]) -> None:
    from celery import group

    from ..tasks import settle_tenant

    group(settle_tenant.s(item_id) for item_id in item_ids).apply_async()


def _finish_if_done(run_id: int) -> None:
    with transaction.atomic():
        run = SettlementRun.objects.select_for_update().get(pk=run_id)
        if run.succeeded + run.failed < run.total:
            return
        run.status = SettlementRun.Status.FAILED if run.failed else SettlementRun.Status.SUCCEEDED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])


def _count(run_id: int, **deltas) -> None:
    SettlementRun.objects.filter(pk=run_id).update(**{name: F(name) + delta for name, delta in deltas.items()})


def run_item_execute(*, item_id: int) -> RunItem | None:
    """The task's work for one tenant: make each of its due batches, oldest first. Safe to
    run again (a redelivered message, a retry): batches already made are kept as they are."""
    with transaction.atomic():
        item = RunItem.objects.select_for_update().select_related("run", "tenant").filter(pk=item_id).first()
        if item is None or item.status in (RunItem.Status.SUCCEEDED, RunItem.Status.FAILED):
            return item  # done, or failed and waiting for someone to retry it
        item.status, item.started_at = RunItem.Status.RUNNING, timezone.now()
        item.attempts += 1
        item.save(update_fields=["status", "started_at", "attempts"])
    tenant, made = item.tenant, 0
    try:
        last_end = (SettlementBatch.objects.filter(tenant=tenant).aggregate(end=Max("period_end"))["end"])
        cycle = cycles_for([tenant.pk])[tenant.pk]
        for start, end in tenant_due(tenant, cycle=cycle, last_end=last_end, as_of=item.run.as_of):
            made += batch_make(tenant=tenant, period_start=start, period_end=end, cycle=cycle, run=item.run).created
    except Exception as exc:
        logger.exception("settlement of %s failed (run %s)", tenant.slug, item.run_id)
        RunItem.objects.filter(pk=item.pk).update(
            status=RunItem.Status.FAILED, finished_at=timezone.now(), batches=F("batches") + made,
            error=f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc(limit=5)}"[:4000])
        _count(item.run_id, failed=1)
    else:
        RunItem.objects.filter(pk=item.pk).update(status=RunItem.Status.SUCCEEDED, finished_at=timezone.now(),
                                                  batches=F("batches") + made, error="")
        _count(item.run_id, succeeded=1)
    _finish_if_done(item.run_id)
    item.refresh_from_db()
    return item


def run_item_retry(*, item: RunItem, actor) -> RunItem:
    """Send a failed tenant (or one whose worker died with its message) through again, alone."""
    if actor is None or not actor.has_perm("settlement.start_settlementrun"):
        raise SettlementForbidden()
    with transaction.atomic():
        item = RunItem.objects.select_for_update().select_related("run", "tenant").get(pk=item.pk)
        stuck = (item.status == RunItem.Status.RUNNING and item.started_at is not None
                 and timezone.now() - item.started_at > STUCK_AFTER)
        if item.status != RunItem.Status.FAILED and not stuck:
            raise RunItemNotRetryable(details={"status": item.status})
        if item.status == RunItem.Status.FAILED:
            _count(item.run_id, failed=-1)
        item.status, item.error, item.finished_at = RunItem.Status.PENDING, "", None
        item.save(update_fields=["status", "error", "finished_at"])
        SettlementRun.objects.filter(pk=item.run_id).update(status=SettlementRun.Status.RUNNING, finished_at=None)
        audit_record(action="settlement.run_retried", actor=actor, tenant=item.tenant, target=item.run,
                     metadata={"run": item.run_id, "attempts": item.attempts})
        transaction.on_commit(lambda: _send([item.pk]), robust=True)
    return item
