"""Test helpers for billing: plans with prices, HQ users, subscriptions."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from apps.accounts.hq import HQ_MASTER
from apps.accounts.models import User
from apps.billing.invalidation import subscriptions_changed
from apps.billing.models import Plan, PlanPrice, Subscription


def hq_master() -> User:
    user = User.objects.create_user("master@platform.test", "x-Pass-2026!", is_staff=True)
    user.groups.add(Group.objects.get(name=HQ_MASTER))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def plan_with_price(code="basic", amount="10000", *, since=None, trial_days=0, **limits) -> Plan:
    plan = Plan.objects.create(code=code, name=code.title(), trial_days=trial_days, **limits)
    PlanPrice.objects.create(plan=plan, amount=Decimal(amount), currency="KRW", commission_rate=Decimal("3.5"),
                             effective_from=since or timezone.localdate() - dt.timedelta(days=365))
    return plan


def active_subscription(tenant, plan, *, start=None, payment_method="pm_sandbox_visa") -> Subscription:
    start = start or timezone.localdate()
    subscription = Subscription.objects.create(
        tenant=tenant, plan=plan, status=Subscription.Status.ACTIVE, current_period_start=start,
        current_period_end=start + dt.timedelta(days=30), payment_method=payment_method)
    with TestCase.captureOnCommitCallbacks(execute=True):  # as if committed by a service: limits and flags follow
        subscriptions_changed(tenant_ids=[tenant.pk])
    return subscription


def tenant_row_version(tenant) -> tuple[str, str]:
    """The tenant row's version (xmin, ctid): any write to the row, even of equal values,
    gives it a new one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text, ctid::text FROM tenants_tenant WHERE id = %s", [tenant.pk])
        return cursor.fetchone()
