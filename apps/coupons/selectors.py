"""Coupon reads. Coupons belong to the whole workspace (no branch): whoever may view
coupons sees them all."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from .models import Coupon, CouponClaim, CouponRedemption

# Why a coupon in a wallet cannot be used now (the rules of the order itself, a minimum
# or a first order, are shown as the coupon's conditions).
UNUSABLE_REASONS = {
    "inactive": pgettext_lazy("coupon state", "No longer offered"),
    "not_started": pgettext_lazy("coupon state", "Not valid yet"),
    "expired": pgettext_lazy("coupon state", "Expired"),
    "exhausted": pgettext_lazy("coupon state", "Used up"),
    "customer_limit": pgettext_lazy("coupon state", "Already used"),
}


def coupon_list() -> QuerySet[Coupon]:
    """Coupons with their number of redemptions in the wallet (claims)."""
    return Coupon.objects.annotate(claim_count=Count("claims", distinct=True)).order_by("-created_at", "-id")


def coupon_redemptions(*, coupon: Coupon) -> QuerySet[CouponRedemption]:
    return CouponRedemption.objects.filter(coupon=coupon).select_related("customer").order_by("-redeemed_at", "-id")


def _used_by(customer_field: str) -> Subquery:
    uses = (CouponRedemption.objects.filter(coupon_id=OuterRef("coupon_id"), customer_id=OuterRef(customer_field))
            .order_by().values("coupon_id").annotate(count=Count("id")).values("count"))
    return Coalesce(Subquery(uses, output_field=IntegerField()), Value(0))


def my_coupons(*, customer) -> QuerySet[CouponClaim]:
    """The coupons in a customer's wallet, newest claim first, each with `used_by_me`:
    one query whatever their number."""
    return (CouponClaim.objects.filter(customer=customer).select_related("coupon")
            .annotate(used_by_me=_used_by("customer_id")).order_by("-claimed_at", "-id"))


def coupon_unusable_reason(coupon: Coupon, *, used_by_customer: int, now: dt.datetime | None = None) -> str:
    """"" when the customer may use it now (on an order that meets its conditions), else
    the reason (a key of UNUSABLE_REASONS)."""
    now = now or timezone.now()
    if not coupon.is_active:
        return "inactive"
    if coupon.valid_from and now < coupon.valid_from:
        return "not_started"
    if coupon.valid_until and now >= coupon.valid_until:
        return "expired"
    if coupon.total_limit is not None and coupon.used_count >= coupon.total_limit:
        return "exhausted"
    if used_by_customer >= coupon.per_customer_limit:
        return "customer_limit"
    return ""
