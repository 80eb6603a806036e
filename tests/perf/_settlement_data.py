"""Data for tests/perf/settlement_run.py: tenants in bulk (public rows, a subscription on a
monthly plan), each with the three tables the settlement reads (orders_order,
payments_payment, payments_refund, created LIKE the migrated template's: columns,
defaults, identity, CHECK and unique constraints, indexes; no foreign keys), filled by
INSERT ... SELECT generate_series as the payment services leave them. The figures the
batches must add up to are computed here in Python from the same formula, apart from SQL.

Payment g of tenant t (g = 1..n): amount 1,000 + ((7,919 g + 104,729 t) mod 990) x 100 won;
every 40th declined (an attempt, not captured); every 50th (g mod 50 = 7) fully refunded,
every 10th (g mod 10 = 3) half refunded (rounded down to 100 won), one hour after capture;
captured at even steps over the first 27 days of last month in Asia/Seoul, with the
commission of the plan's price and the sandbox provider's fee fixed at capture, rounded
half up (apps.core.money.Money.percent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

PLAN_CODE = "perf-settlement"
SPAN = dt.timedelta(days=27)


def _half_up(value: Fraction) -> int:
    """round half up of a non-negative rational (the database's round() on numeric)."""
    return int((2 * value.numerator + value.denominator) // (2 * value.denominator))


def amount_of(g: int, t: int) -> int:
    return 1000 + (g * 7919 + t * 104729) % 990 * 100


def refunded_of(g: int, amount: int) -> int:
    if g % 40 == 0:
        return 0
    if g % 50 == 7:
        return amount
    return amount // 200 * 100 if g % 10 == 3 else 0


def expected_totals(*, tenants: list[int], payments: int, rate: Decimal, fee_rate: Decimal,
                    vat_rate: Decimal) -> dict:
    """The sums of the batches of `tenants` (their indices) with `payments` each."""
    rate, fee_rate, vat_rate = (Fraction(value) / 100 for value in (rate, fee_rate, vat_rate))
    total = dict.fromkeys(("gross", "refunds", "commission", "fees", "vat", "payments_count", "refunds_count",
                           "attempts", "attempts_failed"), 0)
    for t in tenants:
        commission = 0
        for g in range(1, payments + 1):
            total["attempts"] += 1
            if g % 40 == 0:
                total["attempts_failed"] += 1
                continue
            amount = amount_of(g, t)
            refunded = refunded_of(g, amount)
            total["gross"] += amount
            total["payments_count"] += 1
            total["fees"] += _half_up(amount * fee_rate)
            commission += _half_up(amount * rate)
            if refunded:  # the commission on what the refund took back (one refund per payment)
                total["refunds"] += refunded
                total["refunds_count"] += 1
                commission -= _half_up(amount * rate) - _half_up((amount - refunded) * rate)
        total["commission"] += commission
        total["vat"] += _half_up(commission * vat_rate)
    return total


def last_month_start(now: dt.datetime, time_zone: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    first = now.astimezone(ZoneInfo(time_zone)).date().replace(day=1)
    return dt.datetime.combine((first - dt.timedelta(days=1)).replace(day=1), dt.time.min, tzinfo=ZoneInfo(time_zone))


def plan_with_price(rate: Decimal):
    from apps.billing.models import Plan, PlanPrice

    plan = Plan.objects.create(code=PLAN_CODE, name="Perf settlement", settlement_cycle=Plan.SettlementCycle.MONTHLY)
    price = PlanPrice.objects.create(plan=plan, amount=Decimal("0"), commission_rate=rate,
                                     effective_from=dt.date(2000, 1, 1))
    return plan, price


def tenants_create(*, label: str, count: int, first_index: int, plan) -> list[tuple[int, str, int]]:
    """`count` active tenants with a subscription on `plan`: [(id, schema, index)]."""
    from django.utils import timezone

    from apps.billing.models import Subscription
    from apps.tenants.models import Tenant

    now = timezone.now()
    rows = Tenant.objects.bulk_create([
        Tenant(slug=f"perfset-{label}-{n:04d}", schema_name=f"perfset_{label}_{n:04d}", name=f"Perf {label} {n}",
               business_type=Tenant.BusinessType.RETAIL, status=Tenant.Status.ACTIVE,
               owner_email=f"owner-{label}-{n}@perfset.test", timezone="Asia/Seoul", activated_at=now)
        for n in range(count)], batch_size=1000)
    today = now.date()
    Subscription.objects.bulk_create([
        Subscription(tenant=tenant, plan=plan, status=Subscription.Status.ACTIVE, current_period_start=today,
                     current_period_end=today + dt.timedelta(days=30)) for tenant in rows], batch_size=1000)
    return [(tenant.pk, tenant.schema_name, first_index + n) for n, tenant in enumerate(rows)]


def _insert_select(schema: str, model, overrides: dict[str, str], source: str) -> tuple[str, list]:
    """INSERT ... SELECT of every column of `model`: the SQL of `overrides`, or the value a
    new instance would have (its defaults), so that a column added later still gets one."""
    from django.db import connection

    prototype = model()
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        columns.append(f'"{field.column}"')
        if field.column in overrides:
            values.append(overrides[field.column])
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(prototype, True), connection))
    unknown = set(overrides) - {field.column for field in model._meta.concrete_fields}
    assert not unknown, f"{model.__name__} has no column {unknown}"
    return (f'INSERT INTO "{schema}"."{model._meta.db_table}" ({", ".join(columns)}) '
            f"SELECT {', '.join(values)} FROM {source};"), params


def schema_fill(*, schema: str, index: int, payments: int, month_start: dt.datetime, price, fee_rate: Decimal,
                template: str) -> None:
    """The tenant's schema with its three tables and `payments` payments (one transaction)."""
    from django.db import connection, transaction

    from apps.orders.models import Order
    from apps.payments.models import Payment, Refund

    step = SPAN.total_seconds() / payments
    rate = Decimal(price.commission_rate)
    rows = f"""(SELECT g, amount, failed, at,
                       CASE WHEN failed THEN 0 WHEN mod(g, 50) = 7 THEN amount
                            WHEN mod(g, 10) = 3 THEN amount / 200 * 100 ELSE 0 END AS refunded
                  FROM (SELECT g, 1000 + mod(g * 7919 + {index} * 104729, 990) * 100 AS amount,
                               mod(g, 40) = 0 AS failed,
                               '{month_start.isoformat()}'::timestamptz + (g - 1) * interval '{step} seconds' AS at
                          FROM generate_series(1::bigint, {payments}) g) a) d"""
    captured = "CASE WHEN failed THEN NULL ELSE {} END".format
    statements, params = [f'CREATE SCHEMA "{schema}";'], []
    for model in (Order, Payment, Refund):
        table = model._meta.db_table
        statements.append(f'CREATE TABLE "{schema}"."{table}" (LIKE "{template}"."{table}" INCLUDING ALL);')
    for model, overrides, source in (
        (Order, {"id": "g", "number": "g", "status": "'placed'", "subtotal": "amount", "total": "amount",
                 "payment_status": ("CASE WHEN failed THEN 'unpaid' WHEN refunded = amount THEN 'refunded' "
                                    "WHEN refunded > 0 THEN 'partially_refunded' ELSE 'paid' END"),
                 "paid_amount": "CASE WHEN failed THEN 0 ELSE amount END", "refunded_amount": "refunded",
                 "currency": "'KRW'", "created_at": "at", "updated_at": "at"}, rows),
        (Payment, {"id": "g", "order_id": "g", "provider": "'sandbox'", "reference": f"'perf_{index}_' || g",
                   "status": ("CASE WHEN failed THEN 'failed' WHEN refunded = amount THEN 'cancelled' "
                              "WHEN refunded > 0 THEN 'partial_cancelled' ELSE 'paid' END"),
                   "amount": "amount", "currency": "'KRW'", "refunded_amount": "refunded",
                   "method": "CASE WHEN failed THEN '' ELSE 'card' END",
                   "failure_reason": "CASE WHEN failed THEN 'declined' ELSE '' END",
                   "commission_rate": captured(rate), "commission_version_id": captured(price.pk),
                   "commission_amount": captured(f"round(amount * {rate} / 100)::bigint"),
                   "fee_amount": captured(f"round(amount * {fee_rate} / 100)::bigint"),
                   "paid_at": captured("at"), "created_at": "at", "updated_at": "at"}, rows),
        (Refund, {"id": "g", "payment_id": "g", "amount": "refunded", "currency": "'KRW'", "reason": "'perf'",
                  "status": "'succeeded'", "idempotency_key": "'k' || g", "provider_refund_id": f"'rf_{index}_' || g",
                  "created_at": "at + interval '1 hour'", "completed_at": "at + interval '1 hour'"},
         f"{rows} WHERE refunded > 0"),
    ):
        sql, values = _insert_select(schema, model, overrides, source)
        statements.append(sql)
        params += values
    for model in (Order, Payment, Refund):
        qualified = f'"{schema}"."{model._meta.db_table}"'
        statements.append(f"SELECT setval(pg_get_serial_sequence('{qualified}', 'id'), "
                          f"GREATEST((SELECT max(id) FROM {qualified}), 1));")
    statements.append("ANALYZE " + ", ".join(f'"{schema}"."{model._meta.db_table}"'
                                             for model in (Order, Payment, Refund)) + ";")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("\n".join(statements), params)
