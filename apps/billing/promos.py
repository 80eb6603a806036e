"""Promo codes: whether one may be redeemed, what it takes off, redeeming it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.audit.services import audit_record
from apps.core.changes import diff, snapshot

from .amounts import money_round
from .errors import PromoAlreadyRedeemed, PromoExpired, PromoNotFound, PromoUsedUp, PromoWrongPlan
from .models import Plan, PromoCode, PromoRedemption, Subscription

PROMO_FIELDS = ("code", "kind", "value", "duration", "duration_periods", "expires_at", "max_redemptions", "is_active")


def promo_check(*, code: str, plan: Plan, now: dt.datetime | None = None) -> PromoCode:
    """The promo code if it may be redeemed on `plan` now; otherwise a clear error."""
    now = now or timezone.now()
    promo = PromoCode.objects.filter(code__iexact=(code or "").strip()).first()
    if promo is None or not promo.is_active:
        raise PromoNotFound()
    if promo.expires_at and promo.expires_at <= now:
        raise PromoExpired(PromoExpired.message % {"date": promo.expires_at.date()})
    if promo.max_redemptions is not None and promo.times_redeemed >= promo.max_redemptions:
        raise PromoUsedUp()
    allowed = list(promo.plans.values_list("code", flat=True))
    if allowed and plan.code not in allowed:
        raise PromoWrongPlan(PromoWrongPlan.message % {"plan": plan.name}, details={"plans": allowed})
    return promo


def promo_discount(*, promo: PromoCode | None, periods_used: int, amount: Decimal, currency: str) -> Decimal:
    """The discount on `amount` for the next period, given how many periods already had it."""
    if promo is None:
        return Decimal("0")
    if promo.duration == PromoCode.Duration.ONCE and periods_used >= 1:
        return Decimal("0")
    if promo.duration == PromoCode.Duration.REPEATING and periods_used >= (promo.duration_periods or 0):
        return Decimal("0")
    if promo.kind == PromoCode.Kind.PERCENT:
        return money_round(amount * promo.value / 100, currency)
    return min(money_round(promo.value, currency), amount)


def subscription_apply_promo(*, subscription: Subscription, code: str, actor) -> Subscription:
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update(of=("self",)).select_related(
            "plan", "tenant").get(pk=subscription.pk)
        promo = promo_check(code=code, plan=subscription.plan)
        # The subscription is locked above, so this check and the insert below cannot race;
        # the unique constraint backs it up.
        if subscription.promo_id == promo.pk or PromoRedemption.objects.filter(
                subscription=subscription, promo=promo).exists():
            raise PromoAlreadyRedeemed()
        redeemable = PromoCode.objects.filter(pk=promo.pk)
        if promo.max_redemptions is not None:  # counted in the UPDATE: no race past the cap
            redeemable = redeemable.filter(times_redeemed__lt=F("max_redemptions"))
        updated = redeemable.update(times_redeemed=F("times_redeemed") + 1)
        if not updated:
            raise PromoUsedUp()
        PromoRedemption.objects.create(subscription=subscription, promo=promo)
        before = subscription.promo.code if subscription.promo else None
        subscription.promo = promo
        subscription.promo_periods_used = 0
        subscription.save(update_fields=["promo", "promo_periods_used", "updated_at"])
        audit_record(action="subscription.promo_applied", actor=actor, target=subscription,
                     tenant=subscription.tenant, changes={"promo": [before, promo.code]})
    return subscription


def _promo_state(promo: PromoCode) -> dict:
    return {**snapshot(promo, PROMO_FIELDS), "plans": sorted(promo.plans.values_list("code", flat=True))}


def promo_create(*, promo: PromoCode, plans, actor) -> PromoCode:
    """Store a new promo code (`promo` unsaved, its fields set) limited to `plans` (none: any plan)."""
    promo.full_clean()
    with transaction.atomic():
        promo.save()
        promo.plans.set(plans)
        audit_record(action="promo.created", actor=actor, target=promo,
                     changes=diff({}, _promo_state(PromoCode.objects.get(pk=promo.pk))))
    return promo


def promo_update(*, promo: PromoCode, plans, actor) -> PromoCode:
    """Save the edited `promo` (its new field values set) and its plans; audit what changed."""
    promo.full_clean()
    with transaction.atomic():
        before = _promo_state(PromoCode.objects.select_for_update().get(pk=promo.pk))
        # times_redeemed moves only by redemption (an F() update); never write a stale count back
        promo.save(update_fields=[f.name for f in PromoCode._meta.concrete_fields
                                  if not f.primary_key and f.name not in ("times_redeemed", "created_at")])
        promo.plans.set(plans)
        changes = diff(before, _promo_state(PromoCode.objects.get(pk=promo.pk)))  # stored values: 15 == 15.00
        if changes:
            audit_record(action="promo.changed", actor=actor, target=promo, changes=changes)
    return promo
