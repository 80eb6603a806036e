"""Coupons' refusals (codes are stable: API clients and tests rely on them). A coupon that
cannot be applied to an order is a 422 with the reason in its code."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class CouponNotFound(PlatformError):
    """`details`: code (as typed)."""

    code = "coupon_not_found"
    status = 422
    message = _("There is no coupon with this code.")


class CouponInactive(PlatformError):
    code = "coupon_inactive"
    status = 422
    message = _("This coupon is no longer offered.")


class CouponNotStarted(PlatformError):
    """`details`: valid_from."""

    code = "coupon_not_started"
    status = 422
    message = _("This coupon cannot be used yet.")


class CouponExpired(PlatformError):
    """`details`: valid_until."""

    code = "coupon_expired"
    status = 422
    message = _("This coupon has expired.")


class CouponMinOrder(PlatformError):
    """`details`: min (minor units), currency, subtotal."""

    code = "coupon_min_order"
    status = 422
    message = _("This coupon needs a larger order.")


class CouponExhausted(PlatformError):
    code = "coupon_exhausted"
    status = 422
    message = _("This coupon has been used up.")


class CouponCustomerLimit(PlatformError):
    """`details`: limit."""

    code = "coupon_customer_limit"
    status = 422
    message = _("You have already used this coupon as often as it allows.")


class CouponFirstOrderOnly(PlatformError):
    code = "coupon_first_order_only"
    status = 422
    message = _("This coupon is for a first order only.")


class CouponAlreadyClaimed(PlatformError):
    code = "coupon_already_claimed"
    status = 409
    message = _("This coupon is already in your wallet.")


class CouponInUse(PlatformError):
    """`details`: used (redemptions)."""

    code = "coupon_in_use"
    status = 409
    message = _("This coupon has been used by orders and cannot be deleted; deactivate it instead.")
