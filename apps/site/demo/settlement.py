"""Settlement history for a demo workspace: three months of past sales, settled.

The past orders go through the same services as the rest of the demo (ordered, paid on
the sandbox, moved along their flow); then their times are moved back into the month
they stand for, the one thing the services cannot do, the demo being seeded today.
Settlement then makes the three closed months' batches through its own services: the
oldest confirmed and paid out by HQ, the next confirmed (its tax invoice recorded), last
month's a draft holding a late refund of an earlier month's payment as its adjustment.
Seeded once: a workspace that has batches is left as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.orders.models import Order
from apps.payments.models import Payment, Refund
from apps.payments.services import refund_create
from apps.settlement.models import SettlementBatch
from apps.settlement.periods import midnight, period_of
from apps.settlement.services.batches import batch_make
from apps.settlement.services.lifecycle import batch_confirm, batch_pay_out

from .commerce import DEMO_SCOPE

MONTHS = 3
PER_MONTH = 4


def _months(today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The last MONTHS closed calendar months, oldest first."""
    months, end = [], period_of(today, "monthly")[0]
    for _ in range(MONTHS):
        start = period_of(end - dt.timedelta(days=1), "monthly")[0]
        months.insert(0, (start, end))
        end = start
    return months


def _move_back(rows, when: dt.datetime) -> None:
    """Every time on these rows (created, paid, accepted ...) set to `when`."""
    for row in rows:
        names = [field.name for field in row._meta.concrete_fields
                 if isinstance(field, DateTimeField) and getattr(row, field.name) is not None]
        type(row).objects.filter(pk=row.pk).update(**dict.fromkeys(names, when))


def history_ensure(*, tenant, template: dict, ensure: Callable[[list[dict]], None], related: Callable, hq,
                   staff) -> None:
    """Past orders like `template` (without its coupon and review), PER_MONTH in each of
    the last MONTHS months (`ensure` places them: the module's own orders_ensure, in the
    tenant's schema), then their settlement. `related(order)` lists the module's own rows
    of an order whose times move back with it (the kitchen's ticket)."""
    if SettlementBatch.objects.filter(tenant=tenant).exists():
        return
    months = _months(timezone.localdate(timezone.now(), timezone=ZoneInfo(tenant.timezone)))
    with tenant_context(tenant):
        _past_sales(tenant, months, template=template, ensure=ensure, related=related, staff=staff)
    batches = [batch_make(tenant=tenant, period_start=start, period_end=end, cycle="monthly").batch
               for start, end in months]
    batch_confirm(batch=batches[0], actor=hq)
    batch_pay_out(batch=batches[0], actor=hq, reference=f"DEMO-{batches[0].period_start:%Y%m}-{tenant.slug}")
    batch_confirm(batch=batches[1], actor=hq)


def _past_sales(tenant, months, *, template, ensure, related, staff) -> None:
    template = {**template, "steps": [step for step in template.get("steps", ())
                                      if not (isinstance(step, tuple) and step[0] == "review")]}
    template.pop("coupon", None)
    specs = []
    for start, _end in months:
        for n in range(PER_MONTH):
            specs.append({**template, "key": f"{template['key']}-h{start:%Y%m}-{n}",
                          "when": midnight(start + dt.timedelta(days=3 + 7 * n), tenant.timezone)
                          + dt.timedelta(hours=12, minutes=17 * n)})
    ensure([{key: value for key, value in spec.items() if key != "when"} for spec in specs])
    orders = {order.idempotency_key: order for order in Order.objects.filter(
        idempotency_scope=DEMO_SCOPE, idempotency_key__in=[spec["key"] for spec in specs])}
    for spec in specs:
        order = orders[spec["key"]]
        _move_back([order, *Payment.objects.filter(order=order), *related(order)], spec["when"])
    # A customer's complaint about the oldest month, refunded last month: the adjustment.
    late = orders[specs[0]["key"]]
    refund_create(order=late, amount=min(5000, late.total), reason="고객 불만: 늦게 접수된 환불", actor=staff,
                  idempotency_key=f"{DEMO_SCOPE}-{late.idempotency_key}-late-refund")
    _move_back(list(Refund.objects.filter(payment__order=late)), midnight(months[-1][0], tenant.timezone)
               + dt.timedelta(days=9, hours=15))
