"""Making a tenant's batch for a closed period, in one transaction: the lines are copied
from the tenant's payments and refunds inside PostgreSQL (apps.payments.selectors gives
the SELECT; nothing is loaded into the worker, whatever the number of payments), the
totals are the sums of the lines, and a negative net is carried into the next batch.
Made once: making it again returns the batch as it is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django_tenants.utils import schema_context

from apps.audit.services import audit_record
from apps.billing.selectors import settlement_cycles
from apps.payments.selectors import payment_attempts, settlement_entries_sql
from apps.tenants.models import Tenant

from ..models import Cycle, SettlementAccount, SettlementBatch, SettlementLine
from ..periods import midnight

LINE_COLUMNS = ("batch_id, tenant_id, kind, source_id, reference, payment_reference, order_number, occurred_at, "
                "amount, commission_rate, commission_version, commission, fee, vat, net, adjustment")


def cycle_for(tenant: Tenant) -> str:
    """The tenant's cycle: its contract's (settlement terms), else its plan's, else monthly."""
    contract = SettlementAccount.objects.filter(tenant=tenant).values_list("cycle", flat=True).first()
    return contract or settlement_cycles(tenant_ids=[tenant.pk]).get(tenant.pk) or Cycle.MONTHLY


def cycles_for(tenant_ids) -> dict[int, str]:
    """cycle_for for many tenants in two queries."""
    contracts = dict(SettlementAccount.objects.filter(tenant_id__in=tenant_ids).exclude(cycle="")
                     .values_list("tenant_id", "cycle"))
    plans = settlement_cycles(tenant_ids=tenant_ids)
    return {pk: contracts.get(pk) or plans.get(pk) or Cycle.MONTHLY for pk in tenant_ids}


LOCK_NAMESPACE = 0x5E771E  # pg_advisory_xact_lock(namespace, tenant id): settlement's own locks


def _lock_tenant(tenant_id: int) -> None:
    """One maker of a tenant's batches at a time (the previous batch must be final)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, tenant_id])


def _copy_lines(batch: SettlementBatch, tenant: Tenant) -> None:
    """INSERT ... SELECT of the tenant's entries into the batch's lines, with the VAT on
    the commission spread over the lines so that they add up to the VAT on the total:
    each line's VAT is round(rate x commission so far) minus the same before it."""
    vat_rate = Decimal(str(settings.SETTLEMENT_VAT_RATE))
    lines = f'"{settings.PUBLIC_SCHEMA_NAME}"."{SettlementLine._meta.db_table}"'
    with schema_context(tenant.schema_name):
        entries, params = settlement_entries_sql(start=batch.window_start, end=batch.window_end)
        sql = f"""
            INSERT INTO {lines} ({LINE_COLUMNS})
            SELECT %s, %s, e.kind, e.source_id, e.reference, e.payment_reference, e.order_number, e.occurred_at,
                   e.amount, e.commission_rate, e.commission_version, e.commission, e.fee, e.vat,
                   e.amount - e.commission - e.fee - e.vat,
                   COALESCE(e.kind = 'refund' AND e.payment_paid_at < %s, false)
              FROM (SELECT s.*, ROUND(SUM(s.commission) OVER w * %s / 100)
                                - COALESCE(ROUND((SUM(s.commission) OVER w - s.commission) * %s / 100), 0) AS vat
                      FROM ({entries}) s
                    WINDOW w AS (ORDER BY s.occurred_at, s.kind, s.source_id ROWS UNBOUNDED PRECEDING)) e
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [batch.pk, tenant.pk, batch.window_start, vat_rate, vat_rate, *params])
        attempts, failed = payment_attempts(start=batch.window_start, end=batch.window_end)
    batch.attempts, batch.attempts_failed = attempts, failed


def _totals(batch: SettlementBatch) -> dict:
    payment, refund = SettlementLine.Kind.PAYMENT, SettlementLine.Kind.REFUND
    sums = SettlementLine.objects.filter(batch=batch).aggregate(
        payments_count=Count("id", filter=Q(kind=payment)), refunds_count=Count("id", filter=Q(kind=refund)),
        adjustments_count=Count("id", filter=Q(adjustment=True)),
        gross=Sum("amount", filter=Q(kind=payment), default=0), refunds=Sum("amount", filter=Q(kind=refund), default=0),
        commission=Sum("commission", default=0), fees=Sum("fee", default=0), vat=Sum("vat", default=0),
        net=Sum("net", default=0))
    sums["refunds"] = -sums["refunds"]
    return sums


@dataclass(frozen=True)
class BatchOutcome:
    batch: SettlementBatch
    created: bool


def batch_make(*, tenant: Tenant, period_start: dt.date, period_end: dt.date, cycle: str, run=None) -> BatchOutcome:
    """The tenant's batch for [period_start, period_end) (closed), made once: its window
    starts where the tenant's previous batch ended, its net carries the previous one's
    negative balance, and it starts on hold while the tenant's settlement is."""
    with transaction.atomic(durable=True):
        _lock_tenant(tenant.pk)
        existing = SettlementBatch.objects.filter(tenant=tenant, period_start=period_start).first()
        if existing is not None:
            return BatchOutcome(existing, False)
        previous = SettlementBatch.objects.filter(tenant=tenant).order_by("-period_start").first()
        if previous is not None and previous.period_end != period_start:
            raise ValueError(f"{tenant.slug}: the period {period_start} does not follow the last batch "
                             f"({previous.period_start}..{previous.period_end})")
        account = SettlementAccount.objects.filter(tenant=tenant).first()
        held = account is not None and account.on_hold
        batch = SettlementBatch.objects.create(
            tenant=tenant, cycle=cycle, period_start=period_start, period_end=period_end,
            window_start=previous.window_end if previous is not None else None,
            window_end=midnight(period_end, tenant.timezone), currency=settings.COMMERCE_CURRENCY, run=run,
            status=SettlementBatch.Status.HELD if held else SettlementBatch.Status.DRAFT,
            hold_reason=account.hold_reason if held else "")
        _copy_lines(batch, tenant)
        totals = _totals(batch)
        carried_in = previous.carried_out if previous is not None else 0
        balance = totals["net"] + carried_in
        fields = {**totals, "carried_in": carried_in, "payout": max(balance, 0), "carried_out": min(balance, 0),
                  "attempts": batch.attempts, "attempts_failed": batch.attempts_failed}
        SettlementBatch.objects.filter(pk=batch.pk).update(**fields)
        for name, value in fields.items():
            setattr(batch, name, value)
        audit_record(action="settlement.batch_made", tenant=tenant, target=batch, metadata={
            "period": [str(period_start), str(period_end)], "gross": batch.gross, "refunds": batch.refunds,
            "commission": batch.commission, "fees": batch.fees, "vat": batch.vat, "net": batch.net,
            "payout": batch.payout, "carried_in": carried_in, "lines": batch.payments_count + batch.refunds_count})
    return BatchOutcome(batch, True)
