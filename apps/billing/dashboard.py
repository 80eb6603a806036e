"""Billing's cards on the tenant admin's dashboard (apps.core.dashboard), registered by
BillingConfig.ready():

- the banner (`billing.banner`): a trial's days left, or a payment that is due, with the
  signed pay link of the invoice to pay (apps.billing.paylinks);
- plan and usage (`billing.usage`): the plan and each usage meter the apps register,
  against the plan's limits (plus add-ons, `limits.tenant_limits`); billing measures the
  API calls of this month itself (apps.ratelimit);
- unpaid invoices (`billing.invoices`): open invoices with their amount and pay link.

Only for those who may open the tenant's billing pages (`can_see_billing`: the rule of
the invoice list, today the workspace's owner). One page view reads the subscription and
the open invoices once each, whichever cards ask.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.core.admin_sites import tenant_admin
from apps.core.clock import platform_today
from apps.core.dashboard import dashboard_card, meters, request_memo, usage_meter
from apps.core.money import format_amount, format_money
from apps.ratelimit.limiter import monthly_usage

from .limits import tenant_limits
from .models import Invoice, Plan, PlanPrice, Subscription
from .paylinks import pay_url

# Limits kept in another unit than their meter measures (storage: MB in the plan, bytes measured).
LIMIT_SCALE = {"storage_mb": 1024 * 1024}
HIGH = 80  # a meter this full (percent) is shown as nearly used up
TRIAL_SOON_DAYS = 3  # a trial ending this soon is shown as urgent
SITE = tenant_admin


def can_see_billing(request) -> bool:
    """Billing cards follow the billing pages: whoever may open the tenant's invoice list."""
    return SITE.get_model_admin(Invoice).has_view_permission(request)


def _subscription(request) -> Subscription | None:
    def build():
        prices = Prefetch("plan__prices", queryset=PlanPrice.objects.filter(effective_from__lte=platform_today())
                          .order_by("-effective_from"))
        return (Subscription.objects.select_related("plan").prefetch_related(prices)
                .filter(tenant=request.tenant).first())

    return request_memo(request, "billing.subscription", build)


def _open_invoices(request) -> list[Invoice]:
    return request_memo(request, "billing.open_invoices", lambda: list(
        Invoice.objects.filter(tenant=request.tenant, status=Invoice.Status.OPEN).order_by("due_date", "number")))


def billing_home(request) -> str:
    """The first page of the tenant admin's Billing section this user may open (the plan
    page), else the invoices."""
    def home():
        items = sorted((item for item in SITE.navigation.items if item.section == "billing"), key=lambda i: i.order)
        for item in items:
            if item.url_name and (item.permission is None or item.permission(request)):
                return reverse(f"{SITE.name}:{item.url_name}")
            if item.model is not None and SITE.is_registered(item.model) and \
                    SITE.get_model_admin(item.model).has_view_permission(request):
                opts = item.model._meta
                return reverse(f"{SITE.name}:{opts.app_label}_{opts.model_name}_changelist")
        return reverse(f"{SITE.name}:billing_invoice_changelist")

    return request_memo(request, "billing.home", home)


def _invoice_row(invoice: Invoice, on) -> dict:
    return {"number": invoice.number, "total": format_money(invoice.total, invoice.currency),
            "due_date": invoice.due_date, "overdue": invoice.due_date < on, "pay_url": pay_url(invoice),
            "url": reverse(f"{SITE.name}:billing_invoice_change", args=[invoice.pk])}


# --- the banner ------------------------------------------------------------------------


def banner(request) -> dict | None:
    """A trial's days left (and the pay link once its invoice is out), or a payment that
    is due: an overdue invoice, a subscription past due or awaiting its first payment."""
    subscription = _subscription(request)
    if subscription is None:
        return None
    on = platform_today()
    invoices = _open_invoices(request)
    first = invoices[0] if invoices else None
    row = _invoice_row(first, on) if first else None
    pay = {"pay_url": row["pay_url"], "invoice": row} if row else {}
    if subscription.status == Subscription.Status.TRIALING and subscription.trial_ends_on:
        days = max(0, (subscription.trial_ends_on - on).days)
        headline = (_("Your free trial ends today") if days == 0 else
                    ngettext("%(days)s day left in your free trial", "%(days)s days left in your free trial",
                             days) % {"days": days})
        return {"kind": "trial", "days_left": days, "soon": days <= TRIAL_SOON_DAYS, "headline": headline,
                "ends_on": subscription.trial_ends_on, "plan": subscription.plan.display_name,
                "price": _price(subscription), "manage_url": billing_home(request), **pay}
    if first is None:
        return None
    if subscription.status == Subscription.Status.PAST_DUE:
        reason = "past_due"
    elif first.due_date < on:
        reason = "overdue"
    elif subscription.status == Subscription.Status.INCOMPLETE:
        reason = "first_payment"
    else:
        return None  # an invoice not due yet: the invoices card lists it
    return {"kind": "payment_due", "reason": reason, "count": len(invoices),
            "total": format_money(sum(i.total for i in invoices), first.currency),
            "manage_url": billing_home(request), **pay}


# --- plan and usage --------------------------------------------------------------------


def _price(subscription: Subscription) -> str:
    prices = list(subscription.plan.prices.all())  # prefetched: those in force by today, newest first
    if not prices:
        return ""
    amount = format_money(prices[0].amount, prices[0].currency)
    if subscription.plan.billing_period == Plan.Period.YEARLY:
        return _("%(amount)s a year") % {"amount": amount}
    return _("%(amount)s a month") % {"amount": amount}


def _quantity(value, unit: str) -> str:
    return filesizeformat(value) if unit == "bytes" else format_amount(value)


def measured(meter: dict, limits: dict) -> dict:
    """A meter with its limit: the numbers as read, how full it is (percent) and its level."""
    limit = limits.get(meter["limit_key"]) if meter["limit_key"] else None
    if limit is not None:
        limit *= LIMIT_SCALE.get(meter["limit_key"], 1)
    used = meter["used"]
    row = {**meter, "limit": limit, "used_text": _quantity(used, meter["unit"]), "percent": None, "level": ""}
    if limit is None:
        row["summary"] = _("%(used)s (no limit)") % {"used": row["used_text"]}
        return row
    percent = 100 if limit <= 0 else min(100, round(100 * used / limit))
    level = "over" if used > limit else "full" if used == limit else "high" if percent >= HIGH else "ok"
    row.update(limit_text=_quantity(limit, meter["unit"]), percent=percent, level=level)
    row["summary"] = _("%(used)s of %(limit)s") % {"used": row["used_text"], "limit": row["limit_text"]}
    return row


def plan_and_usage(request) -> dict:
    subscription = _subscription(request)
    limits = tenant_limits(tenant=request.tenant)
    card = {"meters": [measured(meter, limits) for meter in meters(SITE, request)],
            "manage_url": billing_home(request), "subscription": None}
    if subscription is not None:
        trialing = subscription.status == Subscription.Status.TRIALING
        card["subscription"] = {
            "plan": subscription.plan.display_name, "status": subscription.status,
            "status_label": subscription.get_status_display(), "price": _price(subscription),
            "trial_ends_on": subscription.trial_ends_on if trialing else None,
            "renews_on": None if trialing or subscription.status == Subscription.Status.CANCELLED
            else subscription.current_period_end}
    return card


def api_calls_this_month(request) -> int:
    return monthly_usage(tenant_ids=[request.tenant.pk])[request.tenant.pk]


# --- unpaid invoices -------------------------------------------------------------------


def unpaid_invoices(request) -> dict | None:
    invoices = _open_invoices(request)
    if not invoices:
        return None
    on = platform_today()
    return {"invoices": [_invoice_row(invoice, on) for invoice in invoices], "list_url": reverse(
        f"{SITE.name}:billing_invoice_changelist") + f"?status__exact={Invoice.Status.OPEN}"}


def register() -> None:
    dashboard_card(SITE, "billing.banner", template="dashboard/billing/banner.html", context=banner, order=0,
                   permission=can_see_billing, wide=True)
    from .usage_alerts import usage_alert_card  # it reads this module's limits scale

    dashboard_card(SITE, "billing.usage_alert", template="dashboard/billing/usage_alert.html",
                   context=usage_alert_card, order=1, permission=can_see_billing, wide=True)
    dashboard_card(SITE, "billing.usage", template="dashboard/billing/usage.html", context=plan_and_usage,
                   order=30, permission=can_see_billing)
    dashboard_card(SITE, "billing.invoices", template="dashboard/billing/invoices.html", context=unpaid_invoices,
                   order=40, permission=can_see_billing)
    usage_meter(SITE, "api_requests", gettext_lazy("API calls this month"), used=api_calls_this_month,
                limit_key="api_requests_per_month", order=30)
