"""The plan catalog: plans, their price and commission versions, add-ons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.changes import diff, snapshot
from apps.core.clock import platform_today

from .errors import NoPrice, PriceInPast, PriceVersionExists, PricingForbidden
from .invalidation import subscriptions_changed
from .models import AddOn, Plan, PlanPrice, Subscription

PLAN_FIELDS = ("code", "name", "name_ko", "description", "is_active", "self_signup", "billing_period",
               "trial_days", "max_staff_users", "max_branches", "api_requests_per_minute",
               "api_requests_per_month", "storage_mb", "sort_order")
PRICE_FIELDS = ("amount", "currency", "commission_rate", "effective_from")
ADDON_FIELDS = ("code", "name", "name_ko", "price", "currency", "limit_key", "limit_increase", "feature_flag",
                "is_active")


def plan_save(*, plan: Plan, actor) -> Plan:
    """Create or change a plan (not its price). Tenants on it get the new limits at once."""
    before = snapshot(Plan.objects.get(pk=plan.pk), PLAN_FIELDS) if plan.pk else {}
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        changes = diff(before, snapshot(plan, PLAN_FIELDS))
        audit_record(action="plan.created" if not before else "plan.changed", actor=actor, target=plan,
                     changes=changes)
        if before:
            # flag rules name plans by code
            subscriptions_changed(tenant_ids=Subscription.objects.filter(plan=plan).values_list("tenant_id", flat=True),
                                  flags="code" in changes)
    return plan


def price_in_force(*, plan: Plan, on: dt.date) -> PlanPrice:
    price = plan.prices.filter(effective_from__lte=on).order_by("-effective_from").first()
    if price is None:
        raise NoPrice(_("The plan %(plan)s has no price in force on %(date)s.") % {"plan": plan.code, "date": on})
    return price


def plan_price_set(*, plan: Plan, amount: Decimal, commission_rate: Decimal, effective_from: dt.date, actor,
                   currency: str = "KRW", note: str = "") -> PlanPrice:
    """A new price and commission version from `effective_from` (today or later; the past
    stays as it was billed). HQ masters only."""
    if actor is None or not actor.has_perm("billing.change_pricing"):
        raise PricingForbidden()
    if effective_from < platform_today():
        raise PriceInPast(details={"effective_from": str(effective_from)})
    version = PlanPrice(plan=plan, amount=amount, currency=(currency or "").upper(), commission_rate=commission_rate,
                        effective_from=effective_from, note=note, created_by=actor)
    version.full_clean(validate_unique=False, validate_constraints=False)
    cents = Decimal("0.01")
    version.amount, version.commission_rate = version.amount.quantize(cents), version.commission_rate.quantize(cents)
    with transaction.atomic():
        if PlanPrice.objects.filter(plan=plan, effective_from=effective_from).exists():
            raise PriceVersionExists(PriceVersionExists.message % {"date": effective_from})
        previous = plan.prices.filter(effective_from__lte=effective_from).order_by("-effective_from").first()
        version.save()
        audit_record(action="plan.price_changed", actor=actor, target=plan,
                     changes=diff(snapshot(previous, PRICE_FIELDS) if previous else {},
                                  snapshot(version, PRICE_FIELDS)),
                     metadata={"price_version": version.pk, "note": note})
    return version


def addon_save(*, addon: AddOn, actor) -> AddOn:
    stored = AddOn.objects.get(pk=addon.pk) if addon.pk else None
    before = snapshot(stored, ADDON_FIELDS) if stored else {}
    # Setting a price is pricing: on an existing add-on when it changes, on a new one whenever it has one.
    sets_price = addon.price != stored.price if stored else bool(addon.price)
    if sets_price and not actor.has_perm("billing.change_pricing"):
        raise PricingForbidden()
    addon.full_clean()
    with transaction.atomic():
        addon.save()
        changes = diff(before, snapshot(addon, ADDON_FIELDS))
        audit_record(action="addon.saved", actor=actor, target=addon, changes=changes)
        if {"limit_key", "limit_increase", "feature_flag"} & set(changes) and stored:
            subscribed = Subscription.objects.filter(addons__addon=addon).values_list("tenant_id", flat=True)
            subscriptions_changed(tenant_ids=subscribed, flags="feature_flag" in changes)
    return addon
