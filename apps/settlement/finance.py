"""HQ's sales figures from the settlement batches (public schema), for the ops dashboard
(composed by apps.site.finance): never from the tenants' own schemas, so the cost stays
two queries whatever the number of tenants.

- GMV per month: gross sales less refunds of the batches whose period starts in the
  month (a daily or weekly cycle's batches add into their month).
- Take rate: the platform's commission (net of what refunds gave back) over gross sales.
- Order payment success: payment attempts decided in the batches' windows that were
  paid, over all of them (`attempts`, `attempts_failed`: apps.settlement.services.batches).
- Status: how many batches are draft, confirmed, paid out or on hold, and their payouts.
Amounts are integers in the currency's minor unit, per currency."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from .models import SettlementBatch


def _percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent with one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _month(gross: int, refunds: int, commission: int, attempts: int, failed: int, batches: int) -> dict:
    return {"gross": gross, "refunds": refunds, "gmv": gross - refunds, "commission": commission,
            "take_rate": _percent(commission, gross), "attempts": attempts, "failed": failed,
            "success_rate": _percent(attempts - failed, attempts), "batches": batches}


def monthly_sales(*, months: list[dt.date]) -> dict:
    """For `months` (first days, oldest first): {"currencies": {currency: [(month, figures),
    ...]}, "payments": [(month, attempts), ...] and "payments_total" (attempts of every
    currency), "total": {currency: figures of the whole span}}; figures as `_month` gives them."""
    end = months[-1] + relativedelta(months=1)
    rows = (SettlementBatch.objects.filter(period_start__gte=months[0], period_start__lt=end)
            .annotate(month=TruncMonth("period_start")).values("month", "currency")
            .annotate(gross=Sum("gross"), refunds=Sum("refunds"), commission=Sum("commission"),
                      attempts=Sum("attempts"), failed=Sum("attempts_failed"), batches=Count("id")))
    by_currency: dict[str, dict[dt.date, tuple]] = {}
    for row in rows:
        month = row["month"] if isinstance(row["month"], dt.date) else row["month"].date()
        by_currency.setdefault(row["currency"], {})[month] = (
            row["gross"], row["refunds"], row["commission"], row["attempts"], row["failed"], row["batches"])
    zero = (0, 0, 0, 0, 0, 0)
    currencies = {currency: [(month, _month(*found.get(month, zero))) for month in months]
                  for currency, found in sorted(by_currency.items())}
    total = {currency: _month(*(sum(column) for column in zip(*found.values(), strict=True)))
             for currency, found in sorted(by_currency.items())}
    payments = []
    for month in months:
        sums = [found.get(month, zero) for found in by_currency.values()]
        attempts, failed = sum(row[3] for row in sums), sum(row[4] for row in sums)
        payments.append((month, {"attempts": attempts, "failed": failed,
                                 "success_rate": _percent(attempts - failed, attempts)}))
    attempts, failed = sum(row["attempts"] for _m, row in payments), sum(row["failed"] for _m, row in payments)
    return {"currencies": currencies, "payments": payments, "total": total,
            "payments_total": {"attempts": attempts, "failed": failed,
                               "success_rate": _percent(attempts - failed, attempts)}}


def batch_status() -> list[dict]:
    """Every status in its order (draft, confirmed, paid out, on hold) with its number of
    batches and their payouts per currency: [{"status", "label", "batches", "payout":
    {currency: amount}}, ...]."""
    found: dict[str, dict] = {}
    for row in SettlementBatch.objects.values("status", "currency").annotate(n=Count("id"), payout=Sum("payout")):
        entry = found.setdefault(row["status"], {"batches": 0, "payout": {}})
        entry["batches"] += row["n"]
        entry["payout"][row["currency"]] = row["payout"]
    return [{"status": value, "label": label, "batches": found.get(value, {}).get("batches", 0),
             "payout": dict(sorted(found.get(value, {}).get("payout", {}).items()))}
            for value, label in SettlementBatch.Status.choices]
