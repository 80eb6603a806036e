"""Billing reads. The subscription owns a tenant's plan: whoever needs the plan reads it
from the subscription (limits: `limits.tenant_limits`), never from the tenant's row."""

import datetime as dt

from apps.ratelimit.limiter import monthly_usage

from .catalog import price_in_force
from .errors import NoPrice
from .limits import tenant_limits
from .models import AddOn, AddOnRequest, Invoice, Subscription


def subscription_for(*, tenant) -> Subscription | None:
    subscription = (Subscription.objects.select_related("plan").prefetch_related("addons__addon")
                    .filter(tenant=tenant).first())
    if subscription is not None:
        subscription.limits_resolved = tenant_limits(tenant=tenant)
        subscription.usage_this_month = monthly_usage(tenant_ids=[tenant.pk])[tenant.pk]
    return subscription


def invoice_list(*, tenant):
    return Invoice.objects.filter(tenant=tenant).prefetch_related("lines").order_by("-issue_date", "-number")


def addon_list():
    return AddOn.objects.filter(is_active=True).order_by("code")


def addon_request_list(*, tenant):
    return AddOnRequest.objects.filter(tenant=tenant).select_related("addon").order_by("-requested_at")


def commission_in_force(*, tenant_id: int, on: dt.date):
    """The price version whose commission (percent) the platform takes on the tenant's
    sales on `on`: its subscription's plan's version in force that day (apps.payments
    records it at capture). None when the tenant has no subscription or its plan no price yet."""
    subscription = Subscription.objects.select_related("plan").filter(tenant_id=tenant_id).first()
    if subscription is None:
        return None
    try:
        return price_in_force(plan=subscription.plan, on=on)
    except NoPrice:
        return None


def settlement_cycles(*, tenant_ids=None) -> dict[int, str]:
    """{tenant id: the settlement cycle of its plan} for tenants with a subscription (all,
    or those of `tenant_ids`)."""
    subscriptions = Subscription.objects.all() if tenant_ids is None else Subscription.objects.filter(
        tenant_id__in=tenant_ids)
    return dict(subscriptions.values_list("tenant_id", "plan__settlement_cycle"))
