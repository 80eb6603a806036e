"""Proration when a subscription moves to another plan mid-period: the unused time of
the old plan is credited and the remaining time of the new plan charged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext

from apps.core.clock import platform_today

from .amounts import money_round, tax_on
from .catalog import price_in_force
from .errors import CurrencyMismatch
from .invoicing import invoice_create
from .models import Invoice, InvoiceLine, Plan, Subscription

PRORATED = (Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE)


def proration_amounts(*, old_amount: Decimal, new_amount: Decimal, period_start: dt.date, period_end: dt.date,
                      today: dt.date) -> tuple[Decimal, Decimal]:
    """(credit for the old plan's unused time, charge for the new plan's remaining time)."""
    total_days = (period_end - period_start).days
    remaining = min(max((period_end - today).days, 0), total_days)
    if total_days <= 0:
        return Decimal("0"), Decimal("0")
    share = Decimal(remaining) / Decimal(total_days)
    return old_amount * share, new_amount * share


def _proration(*, subscription: Subscription, old_plan: Plan, new_plan: Plan,
               on: dt.date) -> tuple[Decimal, Decimal, str]:
    old_price = price_in_force(plan=old_plan, on=on)
    new_price = price_in_force(plan=new_plan, on=on)
    if old_price.currency != new_price.currency:
        raise CurrencyMismatch()
    currency = new_price.currency
    credit, charge = proration_amounts(old_amount=old_price.amount, new_amount=new_price.amount,
                                       period_start=subscription.current_period_start,
                                       period_end=subscription.current_period_end, today=on)
    return money_round(credit, currency), money_round(charge, currency), currency


def plan_change_quote(*, subscription: Subscription, plan: Plan, today: dt.date | None = None) -> dict:
    """What `subscription_change_plan` would bill today, writing nothing: the prorated
    invoice's total (VAT included) due now, or the credit left for the next invoice."""
    on = today or platform_today()
    if subscription.status not in PRORATED:
        return {"due_now": Decimal("0"), "credit": Decimal("0"), "currency": None}
    credit, charge, currency = _proration(subscription=subscription, old_plan=subscription.plan, new_plan=plan,
                                          on=on)
    net = charge - credit
    if net <= 0:
        return {"due_now": Decimal("0"), "credit": -net, "currency": currency}
    return {"due_now": net + tax_on(net, currency), "credit": Decimal("0"), "currency": currency}


def prorate(*, subscription: Subscription, old_plan: Plan, new_plan: Plan, on: dt.date) -> Invoice | None:
    """Bill the switch (inside the caller's transaction, subscription locked): an invoice
    for the difference, or the difference added to the subscription's credit."""
    credit, charge, currency = _proration(subscription=subscription, old_plan=old_plan, new_plan=new_plan, on=on)
    if charge - credit <= 0:
        subscription.credit += credit - charge
        return None
    lines = [
        (InvoiceLine.Kind.PRORATION, gettext("Unused time on %(plan)s") % {"plan": old_plan.name}, Decimal("1"),
         -credit),
        (InvoiceLine.Kind.PRORATION, gettext("Remaining time on %(plan)s") % {"plan": new_plan.name}, Decimal("1"),
         charge),
    ]
    return invoice_create(subscription=subscription, issue_date=on, period_start=on,
                          period_end=subscription.current_period_end, currency=currency, lines=lines)

