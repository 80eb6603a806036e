"""The ops dashboard's Finance section (templates/ops/_finance.html): subscription revenue
from billing (apps.billing.finance) and sales from the settlement batches
(apps.settlement.finance), formatted for the reader. It lives here, above both apps,
because the ops portal and billing sit below settlement (commerce).

For HQ users who may view billing (plans or subscriptions); the sales cards also need
`settlement.view_settlementbatch`. A fixed number of queries, whatever the number of
tenants or batches."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_compact_currency, format_percent
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.billing.finance import billed_mrr, months_back, mrr_now, payment_success
from apps.core.admin_sites import ops_admin
from apps.core.clock import platform_today
from apps.core.money import Money, format_money
from apps.ops.charts import columns, horizontal_bars
from apps.settlement.finance import batch_status, monthly_sales
from apps.settlement.models import SettlementBatch

BILLING_PERMISSIONS = ("billing.view_plan", "billing.view_subscription")
SETTLEMENT_PERMISSION = "settlement.view_settlementbatch"


def may_see_finance(user) -> bool:
    return any(user.has_perm(permission) for permission in BILLING_PERMISSIONS)


def _locale() -> str:
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


def _compact(amount, currency: str) -> str:
    """A short amount over a chart's column, two or three digits ("₩1.2M", "₩281K", "₩37만"):
    twelve of them fit side by side."""
    short = format_compact_currency(Decimal(amount), currency, locale=_locale(), fraction_digits=0)
    if sum(character.isdigit() for character in short) == 1:
        short = format_compact_currency(Decimal(amount), currency, locale=_locale(), fraction_digits=1)
    return short


def _percent(rate: Decimal | None, pattern: str = "#,##0.0%") -> str:
    """A percentage with one decimal in the reader's locale; a dash when there was nothing to count."""
    if rate is None:
        return "—"
    return format_percent(rate / 100, format=pattern, locale=_locale())


def _minor(amount: int, currency: str) -> Decimal:
    return Money(int(amount), currency).major()


def _amounts(by_currency: dict, *, minor: bool = False) -> str:
    """Amounts in several currencies on one line (usually there is one)."""
    return " · ".join(format_money(_minor(amount, currency) if minor else amount, currency)
                      for currency, amount in by_currency.items())


def _money_chart(points: list[tuple[str, Decimal]], currency: str) -> dict:
    # a month with less than nothing (refunds over sales) draws no column but says its amount
    return columns([(label, max(amount, 0), _compact(amount, currency) if amount else "")
                    for label, amount in points])


def _rate_chart(points: list[tuple[str, Decimal | None]], *, top=100) -> dict:
    # over a column "100%" rather than "100.0%": twelve of them fit side by side
    return columns([(label, rate or 0, "" if rate is None else _percent(rate, "#,##0.#%")) for label, rate in points],
                   top=top)


def _span(months) -> str:
    return f"{date_format(months[0], 'YEAR_MONTH_FORMAT')} – {date_format(months[-1], 'YEAR_MONTH_FORMAT')}"


# --- subscriptions (billing) -------------------------------------------------------------------


def _subscriptions(months, labels) -> dict:
    on = platform_today()
    now = mrr_now(on=on)
    billed = billed_mrr(months=months, on=on)
    payments = payment_success(months=months)
    recent = payments["recent"]
    plans = now["plans"]
    return {
        "mrr": _amounts(now["total"]) if now["total"] else None,
        "live": now["subscriptions"],
        "live_text": ngettext("%(n)s active or past-due subscription", "%(n)s active or past-due subscriptions",
                              now["subscriptions"]) % {"n": now["subscriptions"]},
        "mrr_charts": [{"currency": currency, "chart": _money_chart(
            [(label, amount) for label, (_month, amount) in zip(labels, series, strict=True)], currency)}
            for currency, series in billed.items()],
        "plan_chart": horizontal_bars([(row["plan"].code, row["name"], row["subscriptions"]) for row in plans]),
        "plans": [{"name": row["name"], "subscriptions": row["subscriptions"],
                   "mrr": format_money(row["mrr"], row["currency"])} for row in plans],
        "payments": {
            "rate": _percent(recent["rate"]), "attempts": recent["attempts"],
            "summary": ngettext("%(ok)s of %(n)s payment succeeded in the last 30 days",
                                "%(ok)s of %(n)s payments succeeded in the last 30 days",
                                recent["attempts"]) % {"ok": recent["succeeded"], "n": recent["attempts"]},
            "any": any(counts["attempts"] for _month, counts in payments["months"]),
            "chart": _rate_chart([(label, counts["rate"])
                                  for label, (_month, counts) in zip(labels, payments["months"], strict=True)]),
        },
    }


# --- sales and settlement (settlement batches) --------------------------------------------------


def _batches_url() -> str | None:
    if not ops_admin.is_registered(SettlementBatch):
        return None
    return reverse(f"{ops_admin.name}:settlement_settlementbatch_changelist")


def _sales(months, labels) -> dict:
    sales = monthly_sales(months=months)
    statuses = batch_status()
    gmv, take, per_currency = [], [], sales["currencies"]
    for currency, series in per_currency.items():
        total = sales["total"][currency]
        gmv.append({"currency": currency, "total": format_money(_minor(total["gmv"], currency), currency),
                    "summary": _("Gross sales %(gross)s less refunds %(refunds)s") % {
                        "gross": format_money(_minor(total["gross"], currency), currency),
                        "refunds": format_money(_minor(total["refunds"], currency), currency)},
                    "chart": _money_chart([(label, _minor(figures["gmv"], currency))
                                           for label, (_month, figures) in zip(labels, series, strict=True)],
                                          currency)})
        take.append({"currency": currency, "rate": _percent(total["take_rate"]),
                     "summary": _("Commission %(commission)s on gross sales %(gross)s") % {
                         "commission": format_money(_minor(total["commission"], currency), currency),
                         "gross": format_money(_minor(total["gross"], currency), currency)},
                     "chart": _rate_chart([(label, figures["take_rate"]) for label, (_month, figures)
                                           in zip(labels, series, strict=True)], top=None)})
    paid = sales["payments_total"]
    return {
        "any": any(row["batches"] for row in statuses),
        "in_span": bool(per_currency),
        "gmv": gmv, "take": take,
        "payments": {
            "rate": _percent(paid["success_rate"]), "attempts": paid["attempts"],
            "summary": ngettext("%(ok)s of %(n)s order payment attempt succeeded",
                                "%(ok)s of %(n)s order payment attempts succeeded",
                                paid["attempts"]) % {"ok": paid["attempts"] - paid["failed"], "n": paid["attempts"]},
            "chart": _rate_chart([(label, figures["success_rate"]) for label, (_month, figures)
                                  in zip(labels, sales["payments"], strict=True)]),
        },
        "statuses": [{**row, "payout_text": _amounts(row["payout"], minor=True) if row["payout"] else "—"}
                     for row in statuses],
        "batches_url": _batches_url(),
    }


def finance_context(request) -> dict | None:
    """The Finance section, or None for a user who may not view billing."""
    user = request.user
    if not may_see_finance(user):
        return None
    months = months_back(platform_today())
    labels = [date_format(month, "M") for month in months]
    return {"span": _span(months), "subscriptions": _subscriptions(months, labels),
            "sales": _sales(months, labels) if user.has_perm(SETTLEMENT_PERMISSION) else None}
