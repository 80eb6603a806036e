"""What the owner's billing pages show, built from the billing models: the plan with its
price and limits, the plans to switch to with what the switch bills today (the
service's own quote, `proration.plan_change_quote`), an invoice as a document (seller,
buyer, lines, VAT, totals) and the add-on catalogue. Money leaves here as text in the
reader's language (apps.core.money: "₩22,000", no decimals for KRW)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import PlatformError
from apps.core.money import format_amount, format_money
from apps.tenants.invites import owner_address

from ..catalog import price_in_force
from ..limits import LIMITS
from ..models import AddOn, AddOnRequest, Invoice, Plan, PlanPrice, Subscription
from ..paylinks import pay_url
from ..proration import PRORATED, plan_change_quote

RENEWING = (Subscription.Status.TRIALING, Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE)


def price_on(plan: Plan, on: dt.date) -> PlanPrice | None:
    try:
        return price_in_force(plan=plan, on=on)
    except PlatformError:
        return None


def per_period(plan: Plan) -> str:
    return _("per year") if plan.billing_period == Plan.Period.YEARLY else _("per month")


def count_text(value: int | None) -> str:
    return _("Unlimited") if value is None else format_amount(value)


def limit_rows(limits: dict[str, int | None]) -> list[dict]:
    """Every limit as a person reads it ("Staff users: 10", "Branches: Unlimited")."""
    return [{"key": key, "label": capfirst(str(label)), "value": count_text(limits.get(key))}
            for key, (_field, label) in LIMITS.items()]


def plan_limits(plan: Plan) -> dict[str, int | None]:
    return {key: getattr(plan, field) for key, (field, _label) in LIMITS.items()}


def plan_summary(subscription: Subscription, *, today: dt.date) -> dict:
    """The subscription's plan: name, price per period, status, trial end, next renewal,
    credit, limits (plan plus add-ons) and the add-ons on it."""
    plan = subscription.plan
    price = price_on(plan, today)
    currency = price.currency if price else "KRW"
    trialing = subscription.status == Subscription.Status.TRIALING and subscription.trial_ends_on
    return {
        "name": plan.display_name, "code": plan.code, "description": plan.description,
        "price": format_money(price.amount, price.currency) if price else "", "per_period": per_period(plan),
        "status": subscription.status, "status_label": subscription.get_status_display(),
        "trial_ends_on": subscription.trial_ends_on if trialing else None,
        "trial_days_left": max((subscription.trial_ends_on - today).days, 0) if trialing else None,
        "period_start": subscription.current_period_start, "period_end": subscription.current_period_end,
        "next_renewal": subscription.current_period_end if subscription.status in RENEWING else None,
        "credit": format_money(subscription.credit, currency) if subscription.credit > 0 else "",
        "limits": limit_rows(subscription.limits_resolved),
        "addons": [{"name": item.addon.display_name, "quantity": item.quantity,
                    "price": format_money(item.addon.price * item.quantity, item.addon.currency)}
                   for item in subscription.addons.all()],
    }


def change_quote(subscription: Subscription, plan: Plan, *, today: dt.date) -> dict:
    """What moving to `plan` bills today, as the service would (nothing is written):
    `kind` due (an invoice now), credit (left for the next invoice), later (trial or
    first payment still to come: the new price applies from the next invoice), none, or
    refused (with the service's reason)."""
    try:
        quote = plan_change_quote(subscription=subscription, plan=plan, today=today)
    except PlatformError as exc:
        return {"kind": "refused", "text": exc.message}
    if quote["due_now"]:
        return {"kind": "due", "amount": format_money(quote["due_now"], quote["currency"])}
    if quote["credit"]:
        return {"kind": "credit", "amount": format_money(quote["credit"], quote["currency"])}
    if subscription.status not in PRORATED:
        return {"kind": "later"}
    return {"kind": "none"}


def plan_card(plan: Plan, *, today: dt.date, current_price: PlanPrice | None = None) -> dict:
    price = price_on(plan, today)
    direction = ""
    if current_price is not None and price is not None:
        if price.amount > current_price.amount:
            direction = "up"
        elif price.amount < current_price.amount:
            direction = "down"
    return {"plan": plan, "code": plan.code, "name": plan.display_name, "description": plan.description,
            "price": format_money(price.amount, price.currency) if price else "", "per_period": per_period(plan),
            "trial_days": plan.trial_days, "limits": limit_rows(plan_limits(plan)), "direction": direction}


def switchable_plans(subscription: Subscription):
    """The plans the owner may move to themselves (the service's rule: active and open to
    self sign-up), with a price in force."""
    return (Plan.objects.filter(is_active=True, self_signup=True).exclude(pk=subscription.plan_id)
            .prefetch_related("prices").order_by("sort_order", "code"))


def plan_choices(subscription: Subscription, *, today: dt.date) -> list[dict]:
    current_price = price_on(subscription.plan, today)
    cards = []
    for plan in switchable_plans(subscription):
        price = price_on(plan, today)
        if price is not None:
            card = plan_card(plan, today=today, current_price=current_price)
            cards.append({**card, "amount": price.amount, "quote": change_quote(subscription, plan, today=today)})
    return sorted(cards, key=lambda card: card["amount"])  # cheapest first, as price tables read


# --- invoices ---------------------------------------------------------------------------------


def issuer() -> dict:
    """Who issues the invoices (settings.BILLING_ISSUER); empty parts are left out."""
    return {key: value for key, value in settings.BILLING_ISSUER.items() if value}


def customer(tenant) -> dict:
    domain = tenant.get_primary_domain()
    return {key: value for key, value in {
        "name": tenant.name, "contact": tenant.owner_name, "email": owner_address(tenant),
        "phone": tenant.contact_phone, "domain": domain.domain if domain else ""}.items() if value}


def vat_rate(invoice: Invoice) -> str:
    """The VAT rate the invoice was issued with ("10%"), read from its own amounts."""
    taxable = invoice.subtotal - invoice.discount
    if taxable <= 0 or not invoice.tax:
        return ""
    return f"{format_amount((invoice.tax * 100 / taxable).quantize(Decimal('1')))}%"


def invoice_totals(invoice: Invoice) -> dict:
    money = lambda amount: format_money(amount, invoice.currency)  # noqa: E731
    return {"subtotal": money(invoice.subtotal), "discount": money(-invoice.discount) if invoice.discount else "",
            "tax": money(invoice.tax), "vat_rate": vat_rate(invoice), "total": money(invoice.total),
            "due": money(invoice.total if invoice.status == Invoice.Status.OPEN else 0)}


def invoice_document(invoice: Invoice) -> dict:
    """The invoice as a document: seller, buyer, lines and totals, money as text."""
    lines = [{"description": line.description, "kind": line.get_kind_display(),
              "quantity": format_amount(line.quantity), "unit": format_money(line.unit_amount, invoice.currency),
              "amount": format_money(line.amount, invoice.currency)} for line in invoice.lines.all()]
    return {"invoice": invoice, "lines": lines, "totals": invoice_totals(invoice), "issuer": issuer(),
            "customer": customer(invoice.tenant)}


# Why a payment failed, as the provider and billing say it (anything else reads as given).
FAILURE_REASONS = {
    "card_declined": gettext_lazy("The card was declined."),
    "insufficient_funds": gettext_lazy("Not enough funds on the card."),
    "invoice_void": gettext_lazy("The invoice was voided."),
}


def payment_rows(invoice: Invoice) -> list[dict]:
    return [{"payment": payment, "amount": format_money(payment.amount, payment.currency),
             "reason": str(FAILURE_REASONS.get(payment.failure_reason, payment.failure_reason))}
            for payment in invoice.payments.all()]


def invoice_rows(invoices, *, today: dt.date) -> list[dict]:
    """Invoices for a list: total as money, overdue or not, the pay link of an open one."""
    return [{"invoice": invoice, "total": format_money(invoice.total, invoice.currency),
             "overdue": invoice.status == Invoice.Status.OPEN and invoice.due_date < today,
             "pay_url": pay_url(invoice) if invoice.status == Invoice.Status.OPEN else ""} for invoice in invoices]


# --- add-ons ----------------------------------------------------------------------------------


def addon_effect(addon: AddOn) -> str:
    """What the add-on adds, e.g. "+5 staff users"."""
    if addon.limit_key and addon.limit_increase:
        return _("%(limit)s: +%(count)s") % {"count": format_amount(addon.limit_increase),
                                             "limit": capfirst(str(LIMITS[addon.limit_key][1]))}
    if addon.feature_flag:
        return _("Turns on a feature")
    return ""


def addon_catalogue(*, tenant, subscription: Subscription | None) -> list[dict]:
    """Each available add-on with its price, what it adds, how many the workspace has and
    whether a request for it is waiting for HQ."""
    pending = set(AddOnRequest.objects.filter(tenant=tenant, status=AddOnRequest.Status.PENDING)
                  .values_list("addon_id", flat=True))
    owned = {item.addon_id: item.quantity for item in subscription.addons.all()} if subscription else {}
    period = per_period(subscription.plan) if subscription else _("per month")  # billed with the plan's period
    return [{"addon": addon, "name": addon.display_name, "description": addon.description,
             "price": format_money(addon.price, addon.currency), "per_period": period, "effect": addon_effect(addon),
             "pending": addon.pk in pending, "owned": owned.get(addon.pk, 0)}
            for addon in AddOn.objects.filter(is_active=True).order_by("price", "code")]
