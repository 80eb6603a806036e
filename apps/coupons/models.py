"""Coupons a business hands out: a percentage or a fixed amount off, with a minimum order,
a validity window, limits per customer and in total, and first-order-only offers.
Redemptions are taken atomically at order creation (apps.coupons.services)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def _currency():
    return settings.COMMERCE_CURRENCY


class Coupon(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        FIXED = "fixed", _("Fixed amount off")

    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("What customers type; upper case."))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    percent = models.PositiveSmallIntegerField(_("percent off"), null=True, blank=True,
                                               validators=[MinValueValidator(1), MaxValueValidator(100)])
    amount = models.BigIntegerField(_("amount off"), null=True, blank=True, validators=[MinValueValidator(1)])
    max_discount = models.BigIntegerField(_("maximum discount"), null=True, blank=True,
                                          validators=[MinValueValidator(1)],
                                          help_text=_("Caps a percentage discount; empty for no cap."))
    currency = models.CharField(_("currency"), max_length=3, default=_currency)
    min_order_amount = models.BigIntegerField(_("minimum order"), default=0, validators=[MinValueValidator(0)])
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    per_customer_limit = models.PositiveIntegerField(_("uses per customer"), default=1,
                                                     validators=[MinValueValidator(1)])
    total_limit = models.PositiveIntegerField(_("total uses"), null=True, blank=True,
                                              help_text=_("Empty for unlimited."))
    used_count = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    first_order_only = models.BooleanField(_("first order only"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The database refuses a redemption past the total limit, whatever the race.
            models.CheckConstraint(condition=Q(total_limit__isnull=True) | Q(used_count__lte=F("total_limit")),
                                   name="coupons_coupon_within_total_limit"),
            models.CheckConstraint(condition=(Q(kind="percent") & Q(percent__isnull=False))
                                   | (Q(kind="fixed") & Q(amount__isnull=False)),
                                   name="coupons_coupon_kind_value"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class CouponClaim(models.Model):
    """A customer put the coupon in their wallet (`my/coupons`, claim by code)."""

    coupon = models.ForeignKey(Coupon, verbose_name=_("coupon"), on_delete=models.CASCADE, related_name="claims")
    customer = models.ForeignKey("crm.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="+")
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claimed coupon")
        verbose_name_plural = _("claimed coupons")
        ordering = ["-claimed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["coupon", "customer"], name="coupons_claim_unique")]

    def __str__(self):
        return f"{self.coupon_id} · {self.customer_id}"


class CouponRedemption(models.Model):
    """One use of a coupon by an order (the order lives in apps.orders: kept by id and
    number, the coupon layer sits below orders)."""

    coupon = models.ForeignKey(Coupon, verbose_name=_("coupon"), on_delete=models.PROTECT,
                               related_name="redemptions")
    customer = models.ForeignKey("crm.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    order_id = models.BigIntegerField(_("order"), unique=True)
    order_number = models.PositiveIntegerField(_("order number"))
    discount = models.BigIntegerField(_("discount"))
    currency = models.CharField(_("currency"), max_length=3, default=_currency)
    redeemed_at = models.DateTimeField(_("redeemed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon use")
        verbose_name_plural = _("coupon uses")
        ordering = ["-redeemed_at", "-id"]
        indexes = [models.Index(fields=["coupon", "customer"])]

    def __str__(self):
        return f"#{self.order_number}"
