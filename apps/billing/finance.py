"""HQ's finance figures from billing's own tables (public schema), for the ops dashboard
(composed by apps.site.finance). A fixed number of queries, whatever the number of tenants.

- MRR now: the subscriptions live today (active, or past due and being dunned: still
  customers; trials and those awaiting their first payment are not revenue yet), each at
  its plan's price version in force today plus its add-ons, a yearly plan's amounts / 12
  (an add-on is billed per period of the plan, like the plan: apps.billing.invoicing).
  Before promo discounts and credits: the list price of what is subscribed.
- Billed MRR at each month's end: the plan and add-on lines of the invoices whose period
  covers that day (paid, or still open on a live subscription: a renewal being charged,
  or dunned), per month of the period. Subscriptions keep no history of their plan or status, their invoices do: this
  is what each live subscription was billed for the month, at the price of its issue day.
- Plan mix: live subscriptions per plan, with each plan's share of MRR now.
- Subscription payment success: billing's payment attempts that ended (succeeded or
  failed) in the last 30 days and per month; an attempt closed because its invoice was
  voided was never declined and is left out.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.core.clock import platform_today

from .amounts import money_round
from .models import Invoice, InvoiceLine, Payment, Plan, PlanPrice, Subscription, SubscriptionAddOn

MONTHS = 12
LIVE = (Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE)
RECENT_DAYS = 30
NOT_DECLINED = "invoice_void"  # apps.billing.invoicing.invoice_void closes pending attempts with this reason


def months_back(on: dt.date, count: int = MONTHS) -> list[dt.date]:
    """The first days of the last `count` months, oldest first, ending with `on`'s month."""
    first = on.replace(day=1)
    return [first - relativedelta(months=back) for back in range(count - 1, -1, -1)]


def month_end(month: dt.date, on: dt.date) -> dt.date:
    """The month's last day, or `on` for the month still running."""
    return min(month + relativedelta(months=1) - dt.timedelta(days=1), on)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent with one decimal; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _months_per_period(plan: Plan) -> int:
    return 12 if plan.billing_period == Plan.Period.YEARLY else 1


# --- MRR now and the plan mix --------------------------------------------------------------


def mrr_now(*, on: dt.date | None = None) -> dict:
    """{"total": {currency: Decimal}, "subscriptions": n, "plans": [{"plan", "name",
    "subscriptions", "mrr", "currency"}, ...]} (plans in catalog order, live ones only).
    A plan without a price in force is free (as apps.billing.subscriptions treats it);
    add-ons are billed in the plan's currency (as apps.billing.invoicing bills them)."""
    on = on or platform_today()
    in_force = PlanPrice.objects.filter(plan=OuterRef("pk"), effective_from__lte=on).order_by("-effective_from")
    plans = list(Plan.objects.annotate(
        live=Count("subscriptions", filter=Q(subscriptions__status__in=LIVE)),
        price=Subquery(in_force.values("amount")[:1]), price_currency=Subquery(in_force.values("currency")[:1]),
    ).filter(live__gt=0).order_by("sort_order", "code"))
    addons = dict(SubscriptionAddOn.objects.filter(subscription__status__in=LIVE)
                  .values("subscription__plan_id")
                  .annotate(total=Sum(F("quantity") * F("addon__price"),
                                      output_field=DecimalField(max_digits=20, decimal_places=2)))
                  .values_list("subscription__plan_id", "total"))
    rows, exact = [], {}
    for plan in plans:
        currency = plan.price_currency or "KRW"
        monthly = ((plan.price or Decimal(0)) * plan.live + addons.get(plan.pk, Decimal(0))) / _months_per_period(plan)
        exact[currency] = exact.get(currency, Decimal(0)) + monthly
        rows.append({"plan": plan, "name": plan.display_name, "subscriptions": plan.live,
                     "mrr": money_round(monthly, currency), "currency": currency})
    return {"total": {currency: money_round(amount, currency) for currency, amount in sorted(exact.items())},
            "subscriptions": sum(row["subscriptions"] for row in rows), "plans": rows}


# --- billed MRR at each month's end ------------------------------------------------------------


def billed_mrr(*, months: list[dt.date], on: dt.date | None = None) -> dict[str, list[tuple[dt.date, Decimal]]]:
    """{currency: [(month, billed MRR at its end), ...]} for `months` (first days), in
    one query: the days are joined to the invoices whose period covers them."""
    on = on or platform_today()
    ends = [month_end(month, on) for month in months]
    quote = connection.ops.quote_name
    invoices, lines = quote(Invoice._meta.db_table), quote(InvoiceLine._meta.db_table)
    subscriptions = quote(Subscription._meta.db_table)
    # A period's months: 1 for a monthly plan, 12 for a yearly one (a short first month,
    # 31 Jan to 28 Feb, is still one).
    period_months = ("GREATEST(1, (EXTRACT(YEAR FROM age(i.period_end, i.period_start)) * 12"
                     " + EXTRACT(MONTH FROM age(i.period_end, i.period_start)))::int)")
    sql = f"""
        SELECT i.currency, e.at, SUM(l.amount / {period_months})
          FROM unnest(%s::date[]) AS e(at)
          JOIN {invoices} i ON i.period_start <= e.at AND e.at < i.period_end
          JOIN {subscriptions} s ON s.id = i.subscription_id
          JOIN {lines} l ON l.invoice_id = i.id
         WHERE l.kind IN (%s, %s)
           AND (i.status = %s OR (i.status = %s AND s.status IN (%s, %s)))
         GROUP BY i.currency, e.at
    """
    params = [ends, InvoiceLine.Kind.PLAN, InvoiceLine.Kind.ADDON, Invoice.Status.PAID, Invoice.Status.OPEN, *LIVE]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    amounts: dict[str, dict[dt.date, Decimal]] = {}
    for currency, at, amount in found:
        amounts.setdefault(currency, {})[at] = money_round(amount, currency)
    return {currency: [(month, by_day.get(end, Decimal(0))) for month, end in zip(months, ends, strict=True)]
            for currency, by_day in sorted(amounts.items())}


# --- subscription payment success ------------------------------------------------------------


def _ended_attempts():
    return (Payment.objects.filter(status__in=[Payment.Status.SUCCEEDED, Payment.Status.FAILED])
            .exclude(failure_reason=NOT_DECLINED))


def _counts(succeeded: int, failed: int) -> dict:
    return {"succeeded": succeeded, "failed": failed, "attempts": succeeded + failed,
            "rate": percent(succeeded, succeeded + failed)}


def payment_success(*, months: list[dt.date], now: dt.datetime | None = None) -> dict:
    """{"recent": counts of the last 30 days, "months": [(month, counts), ...]}, counts
    being {"succeeded", "failed", "attempts", "rate" (percent, one decimal, or None)}."""
    now = now or timezone.now()
    succeeded, failed = Q(status=Payment.Status.SUCCEEDED), Q(status=Payment.Status.FAILED)
    recent = _ended_attempts().filter(completed_at__gt=now - dt.timedelta(days=RECENT_DAYS)).aggregate(
        succeeded=Count("id", filter=succeeded), failed=Count("id", filter=failed))
    start = timezone.make_aware(dt.datetime.combine(months[0], dt.time.min))
    per_month = {row["month"].date(): row for row in _ended_attempts().filter(completed_at__gte=start)
                 .annotate(month=TruncMonth("completed_at")).values("month")
                 .annotate(succeeded=Count("id", filter=succeeded), failed=Count("id", filter=failed))}
    return {"recent": _counts(recent["succeeded"], recent["failed"]),
            "months": [(month, _counts(per_month[month]["succeeded"], per_month[month]["failed"])
                        if month in per_month else _counts(0, 0)) for month in months]}
