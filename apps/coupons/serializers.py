from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.money import Money
from apps.core.serializers import ModelSerializer, StrictCharField

from .models import Coupon, CouponClaim
from .selectors import UNUSABLE_REASONS, coupon_unusable_reason

MAX_AMOUNT = 10**12  # far above any price, below what the column holds


def coupon_summary(coupon: Coupon) -> str:
    """What the coupon gives, as a person reads it: "10% off (at most ₩5,000) · orders from ₩20,000"."""
    if coupon.kind == Coupon.Kind.PERCENT:
        text = _("%(percent)s%% off") % {"percent": coupon.percent}
        if coupon.max_discount:
            text += " " + _("(at most %(amount)s)") % {"amount": Money(coupon.max_discount, coupon.currency).format()}
    else:
        text = _("%(amount)s off") % {"amount": Money(coupon.amount or 0, coupon.currency).format()}
    parts = [text]
    if coupon.min_order_amount:
        parts.append(_("orders from %(amount)s") % {"amount": Money(coupon.min_order_amount,
                                                                    coupon.currency).format()})
    if coupon.first_order_only:
        parts.append(_("first order only"))
    return " · ".join(parts)


class CouponInput(serializers.Serializer):
    code = StrictCharField(max_length=40, help_text=gettext_lazy("What customers type; stored in upper case."))
    name = StrictCharField(max_length=120)
    kind = serializers.ChoiceField(choices=Coupon.Kind.choices)
    percent = serializers.IntegerField(min_value=1, max_value=100, required=False, allow_null=True)
    amount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT, required=False, allow_null=True)
    max_discount = serializers.IntegerField(min_value=1, max_value=MAX_AMOUNT, required=False, allow_null=True)
    min_order_amount = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT, required=False)
    valid_from = serializers.DateTimeField(required=False, allow_null=True)
    valid_until = serializers.DateTimeField(required=False, allow_null=True)
    per_customer_limit = serializers.IntegerField(min_value=1, max_value=1000, required=False)
    total_limit = serializers.IntegerField(min_value=1, max_value=10**9, required=False, allow_null=True)
    first_order_only = serializers.BooleanField(required=False)
    is_active = serializers.BooleanField(required=False)


class CouponOutput(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    summary = serializers.SerializerMethodField()
    claim_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Coupon
        fields = ["id", "code", "name", "kind", "kind_label", "percent", "amount", "max_discount", "currency",
                  "min_order_amount", "valid_from", "valid_until", "per_customer_limit", "total_limit", "used_count",
                  "claim_count", "first_order_only", "is_active", "summary", "created_at", "updated_at"]

    def get_summary(self, coupon) -> str:
        return coupon_summary(coupon)


class ClaimInput(serializers.Serializer):
    code = StrictCharField(max_length=40)


class WalletCouponOutput(serializers.Serializer):
    """A coupon in the customer's wallet, with whether it can be used now."""

    code = serializers.CharField(source="coupon.code")
    name = serializers.CharField(source="coupon.name")
    summary = serializers.SerializerMethodField()
    kind = serializers.CharField(source="coupon.kind")
    percent = serializers.IntegerField(source="coupon.percent", allow_null=True)
    amount = serializers.IntegerField(source="coupon.amount", allow_null=True)
    max_discount = serializers.IntegerField(source="coupon.max_discount", allow_null=True)
    min_order_amount = serializers.IntegerField(source="coupon.min_order_amount")
    currency = serializers.CharField(source="coupon.currency")
    valid_from = serializers.DateTimeField(source="coupon.valid_from", allow_null=True)
    valid_until = serializers.DateTimeField(source="coupon.valid_until", allow_null=True)
    first_order_only = serializers.BooleanField(source="coupon.first_order_only")
    uses_left = serializers.SerializerMethodField()
    usable = serializers.SerializerMethodField()
    unusable_reason = serializers.SerializerMethodField()
    unusable_label = serializers.SerializerMethodField()
    claimed_at = serializers.DateTimeField()

    def _reason(self, claim: CouponClaim) -> str:
        return coupon_unusable_reason(claim.coupon, used_by_customer=getattr(claim, "used_by_me", 0))

    def get_summary(self, claim) -> str:
        return coupon_summary(claim.coupon)

    def get_uses_left(self, claim) -> int:
        return max(0, claim.coupon.per_customer_limit - getattr(claim, "used_by_me", 0))

    def get_usable(self, claim) -> bool:
        return not self._reason(claim)

    @extend_schema_field(serializers.CharField(allow_blank=True))
    def get_unusable_reason(self, claim) -> str:
        return self._reason(claim)

    @extend_schema_field(serializers.CharField(allow_blank=True))
    def get_unusable_label(self, claim) -> str:
        reason = self._reason(claim)
        return str(UNUSABLE_REASONS[reason]) if reason else ""
