"""Coupons, claims and redemptions in the workspace export (apps.workspace.export)."""

from apps.core.datasets import dataset

from .models import Coupon, CouponClaim, CouponRedemption

dataset("coupons/coupons", Coupon)
dataset("coupons/claims", CouponClaim, customer="customer_id")
dataset("coupons/redemptions", CouponRedemption, customer="customer_id")
