"""Subscriptions: starting one, changing its plan (prorated), renewing it.

The subscription is the one owner of a tenant's plan. Billing never writes the tenant's
row: a tenant still waiting for approval keeps the plan it asked for on its own row
(apps.tenants.plans), which `subscription_start` reads once, at provisioning."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.clock import platform_today
from apps.industry.selectors import default_plan_for
from apps.tenants.errors import SamePlan
from apps.tenants.models import Tenant
from apps.tenants.plans import tenant_plan_request

from .errors import NoSubscription, PlanChangeForbidden, PlanUnavailable, SubscriptionExists
from .invalidation import subscriptions_changed
from .invoicing import invoice_issue_for_period
from .models import Invoice, Plan, Subscription
from .payments import invoice_charge
from .proration import PRORATED, prorate


def _period_end(plan: Plan, start: dt.date) -> dt.date:
    return start + (relativedelta(years=1) if plan.billing_period == Plan.Period.YEARLY else relativedelta(months=1))


def subscription_start(*, tenant, plan: Plan, actor=None, today: dt.date | None = None) -> Subscription:
    """The tenant's subscription: a trial when the plan has one, otherwise awaiting its
    first payment (an open invoice, paid through checkout)."""
    today = today or platform_today()
    if Subscription.objects.filter(tenant=tenant).exists():
        raise SubscriptionExists()
    trial_end = today + dt.timedelta(days=plan.trial_days) if plan.trial_days else None
    subscription = Subscription(
        tenant=tenant, plan=plan,
        status=Subscription.Status.TRIALING if trial_end else Subscription.Status.INCOMPLETE,
        current_period_start=today, current_period_end=trial_end or _period_end(plan, today), trial_ends_on=trial_end)
    subscription.full_clean(exclude=["tenant"])
    with transaction.atomic():
        subscription.save()
        subscriptions_changed(tenant_ids=[tenant.pk])
        audit_record(action="subscription.started", actor=actor, target=subscription, tenant=tenant,
                     changes={"status": [None, subscription.status], "plan": [None, plan.code]})
        if not trial_end:
            if plan.prices.filter(effective_from__lte=today).exists():
                invoice = invoice_issue_for_period(subscription=subscription, issue_date=today)
                paid = invoice.status == Invoice.Status.PAID
            else:
                paid = True  # a plan without a price is free
            if paid:
                subscription.status = Subscription.Status.ACTIVE
                subscription.save(update_fields=["status", "updated_at"])
    return subscription


def subscription_change_plan(*, subscription: Subscription, plan: Plan, actor, reason: str = "",
                             today: dt.date | None = None) -> Invoice | None:
    """Move to another plan now. Mid-period, the unused time of the old plan is credited
    and the remaining time of the new plan charged (proration): an upgrade gets an
    invoice for the difference (charged to a saved payment method after commit), a
    downgrade leaves a credit for the next invoice. Limits and flag rules follow at once."""
    today = today or platform_today()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update(of=("self",)).select_related(
            "plan", "tenant").get(pk=subscription.pk)
        old_plan = subscription.plan
        if plan.pk == old_plan.pk:
            raise SamePlan()
        if not plan.is_active:
            raise PlanUnavailable()
        invoice = None
        if subscription.status in PRORATED:
            invoice = prorate(subscription=subscription, old_plan=old_plan, new_plan=plan, on=today)
        subscription.plan = plan
        subscription.save(update_fields=["plan", "credit", "updated_at"])
        subscriptions_changed(tenant_ids=[subscription.tenant_id])
        audit_record(action="subscription.plan_changed", actor=actor, target=subscription,
                     tenant=subscription.tenant, changes={"plan": [old_plan.code, plan.code]},
                     metadata={"invoice": invoice.number if invoice else None, "credit": str(subscription.credit),
                               **({"reason": reason} if reason else {})})
    if invoice is not None and invoice.status == Invoice.Status.OPEN and subscription.payment_method:
        invoice_charge(invoice=invoice)
    return invoice


def subscription_owner_change_plan(*, tenant, plan_code: str, actor) -> Invoice | None:
    """Self-service upgrade or downgrade by the workspace owner: self-sign-up plans only."""
    plan = Plan.objects.filter(code=plan_code, is_active=True, self_signup=True).first()
    if plan is None:
        raise PlanUnavailable(_("There is no self-service plan %(code)s. Ask us about other plans.")
                              % {"code": plan_code}, details={"plan": plan_code})
    subscription = Subscription.objects.filter(tenant=tenant).first()
    if subscription is None:
        raise NoSubscription()
    return subscription_change_plan(subscription=subscription, plan=plan, actor=actor)


def tenant_change_plan(*, tenant, plan: Plan, actor, reason: str = "") -> Invoice | None:
    """HQ changes a tenant's plan (the ops portal's "Change plan"). With a subscription,
    this is `subscription_change_plan`; a tenant without one starts one on `plan` when it
    is live, or, still waiting for approval, asks for `plan` (apps.tenants.plans: the
    tenants app writes its own row). Returns the invoice issued now, if any."""
    if actor is None or not actor.has_perm("billing.change_subscription"):
        raise PlanChangeForbidden()
    subscription = Subscription.objects.filter(tenant=tenant).first()
    if subscription is not None:
        return subscription_change_plan(subscription=subscription, plan=plan, actor=actor, reason=reason)
    if not plan.is_active:
        raise PlanUnavailable()
    if tenant.status in (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED):
        subscription = subscription_start(tenant=tenant, plan=plan, actor=actor)
        return subscription.invoices.filter(status=Invoice.Status.OPEN).first()
    tenant_plan_request(tenant=tenant, plan=plan, actor=actor, reason=reason)  # refuses other statuses
    return None


def subscriptions_renew(*, today: dt.date | None = None) -> int:
    """Beat: end trials and start new periods that are due, invoice them and, once that
    is committed, charge the saved payment method (a missing one counts as a failed
    payment)."""
    today = today or platform_today()
    due = Subscription.objects.filter(
        status__in=[Subscription.Status.TRIALING, Subscription.Status.ACTIVE], current_period_end__lte=today)
    count = 0
    for subscription_id in due.values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            subscription = Subscription.objects.select_for_update(of=("self",)).select_related("plan", "tenant").get(
                pk=subscription_id)
            if subscription.current_period_end > today:
                continue
            subscription.current_period_start = subscription.current_period_end
            subscription.current_period_end = _period_end(subscription.plan, subscription.current_period_start)
            subscription.save()
            invoice = invoice_issue_for_period(subscription=subscription, issue_date=today)
            count += 1
        if invoice.status == Invoice.Status.OPEN:
            invoice_charge(invoice=invoice)
    return count


def provisioning_start_subscription(*, tenant, owner) -> None:
    """Provisioning step: subscribe the tenant to the plan it asked for (or its
    industry's default)."""
    plan = tenant.plan
    if plan is None:
        plan = default_plan_for(business_type=tenant.business_type)
    if plan is None or Subscription.objects.filter(tenant=tenant).exists():
        return
    subscription_start(tenant=tenant, plan=plan)
