from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.serializers import ModelSerializer, StrictCharField
from apps.orders.flows import status_label

from .models import Payment, Refund


class RefundOutput(ModelSerializer):
    payment = serializers.CharField(source="payment.reference")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Refund
        fields = ["id", "payment", "amount", "currency", "reason", "status", "status_label", "provider_refund_id",
                  "failure_reason", "created_at", "completed_at"]


class PaymentOutput(ModelSerializer):
    """A payment as staff see it: with the settlement inputs fixed at capture."""

    order = serializers.IntegerField(source="order_id")
    status_label = serializers.CharField(source="get_status_display")
    refunds = RefundOutput(many=True)

    class Meta:
        model = Payment
        fields = ["id", "order", "reference", "provider", "status", "status_label", "amount", "currency",
                  "refunded_amount", "refund_pending_amount", "method", "failure_reason", "commission_rate",
                  "commission_amount", "fee_amount", "paid_at", "created_at", "refunds"]


class OrderCheckoutOutput(serializers.Serializer):
    payment = serializers.IntegerField(source="payment.pk")
    reference = serializers.CharField(source="payment.reference")
    amount = serializers.IntegerField(source="payment.amount")
    currency = serializers.CharField(source="payment.currency")
    checkout_url = serializers.URLField()


class OrderPositionOutput(serializers.Serializer):
    """Where the order stands after a refund or a cancellation."""

    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    payment_status = serializers.CharField()
    total = serializers.IntegerField()
    paid_amount = serializers.IntegerField()
    refunded_amount = serializers.IntegerField()
    currency = serializers.CharField()

    def get_status_label(self, order) -> str:
        return status_label(order.status)


class AmountField(serializers.IntegerField):
    """A whole number in the currency's minor unit, as a JSON number (not "5000", 5000.0 or true)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class RefundInput(serializers.Serializer):
    amount = AmountField(min_value=1, help_text=_("In the currency's minor unit (won)."))
    reason = StrictCharField(max_length=300, help_text=_("Why the order is refunded (shown to staff)."))


class RefundRequestOutput(serializers.Serializer):
    amount = serializers.IntegerField()
    currency = serializers.CharField(source="order.currency")
    refunds = RefundOutput(many=True)
    order = OrderPositionOutput()


class StaffCancelInput(serializers.Serializer):
    reason = StrictCharField(max_length=500, help_text=_("Why the order is cancelled (recorded with the move)."))


class ConsumerCancelInput(serializers.Serializer):
    reason = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
