from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.branches.models import Branch
from apps.core.money import Money
from apps.core.serializers import ModelSerializer, StrictCharField
from apps.crm.models import Customer

from .flows import flow_for, status_label
from .models import Order, OrderLine, OrderTransition
from .pricing import MAX_LINES, MAX_QUANTITY, fee_label
from .validation import MAX_PARTY

AMOUNTS = ["subtotal", "discount_total", "fee_total", "total", "vat_total", "paid_amount", "refunded_amount"]


# --- Input -------------------------------------------------------------------------------


class LineInput(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, help_text=_("The item's id."))
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    options = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list,
                                    max_length=50, help_text=_("Ids of the chosen options."))


SPOT_HELP = _("Where to deliver, in degrees: a restaurant needs it to measure its delivery area.")


class DeliveryInput(serializers.Serializer):
    address = StrictCharField(max_length=255)
    phone = StrictCharField(max_length=30)
    memo = StrictCharField(max_length=300, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=None, decimal_places=None, min_value=Decimal(-90),
                                        max_value=Decimal(90), required=False, allow_null=True, help_text=SPOT_HELP)
    longitude = serializers.DecimalField(max_digits=None, decimal_places=None, min_value=Decimal(-180),
                                         max_value=Decimal(180), required=False, allow_null=True, help_text=SPOT_HELP)


class OrderInput(serializers.Serializer):
    lines = LineInput(many=True, allow_empty=False, max_length=MAX_LINES)
    fulfilment = serializers.ChoiceField(choices=Order.Fulfilment.choices)
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all(), required=False, allow_null=True)
    coupon = StrictCharField(max_length=40, required=False, allow_blank=True, default="")
    notes = StrictCharField(max_length=1000, required=False, allow_blank=True, default="")
    delivery = DeliveryInput(required=False, allow_null=True,
                             help_text=_("Required when fulfilment is delivery."))
    kind = serializers.ChoiceField(choices=Order.Kind.choices, required=False, default=Order.Kind.ORDER)
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True,
                                              help_text=_("A reservation's date and time (required for one)."))
    party_size = serializers.IntegerField(min_value=1, max_value=MAX_PARTY, required=False, allow_null=True)
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.filter(deleted_at__isnull=True), required=False, allow_null=True,
        help_text=_("Staff only: the customer the order is for (a consumer always orders for themselves)."))

    def __init__(self, *args, consumer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if consumer:  # a consumer orders for themselves: whatever they send as `customer` is not even looked up
            self.fields.pop("customer")

    def validate(self, attrs):
        if attrs.get("fulfilment") == Order.Fulfilment.DELIVERY and not attrs.get("delivery"):
            raise serializers.ValidationError({"delivery": [_("A delivery needs an address and a phone number.")]})
        if attrs.get("kind") == Order.Kind.RESERVATION and not attrs.get("scheduled_for"):
            raise serializers.ValidationError({"scheduled_for": [_("A reservation needs a date and time.")]})
        return attrs


class StatusInput(serializers.Serializer):
    status = StrictCharField(max_length=30)
    reason = StrictCharField(max_length=1000, required=False, allow_blank=True, default="")


# --- Output ------------------------------------------------------------------------------


def _formatted(currency: str, amount: int) -> str:
    return Money(int(amount), currency).format()


class LineOptionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    group_id = serializers.IntegerField()
    group = serializers.CharField()
    name = serializers.CharField()
    price_delta = serializers.IntegerField()


class OrderLineOutput(ModelSerializer):
    options = LineOptionOutput(many=True, read_only=True)
    line_total_formatted = serializers.SerializerMethodField()

    class Meta:
        model = OrderLine
        fields = ["id", "item", "item_name", "item_kind", "options", "unit_price", "quantity", "discount", "line_total",
                  "line_total_formatted", "vat_rate"]

    def get_line_total_formatted(self, line) -> str:
        return _formatted(self.context["currency"], line.line_total)


class FeeOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    amount = serializers.IntegerField()


class TransitionOutput(ModelSerializer):
    from_label = serializers.SerializerMethodField()
    to_label = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()

    class Meta:
        model = OrderTransition
        fields = ["from_status", "from_label", "to_status", "to_label", "actor", "reason", "created_at"]

    def get_from_label(self, move) -> str:
        return status_label(move.from_status) if move.from_status else ""

    def get_to_label(self, move) -> str:
        return status_label(move.to_status)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, move):
        return move.actor.email if move.actor_id and move.actor else None


class ConsumerTransitionOutput(TransitionOutput):
    """What the customer sees of the history: when and what, not which staff member."""

    class Meta(TransitionOutput.Meta):
        fields = ["from_status", "from_label", "to_status", "to_label", "reason", "created_at"]


class OrderOutput(ModelSerializer):
    status_label = serializers.SerializerMethodField()
    payment_status_label = serializers.CharField(source="get_payment_status_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    fulfilment_label = serializers.CharField(source="get_fulfilment_display", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True, default=None, allow_null=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True, default=None, allow_null=True)
    lines = serializers.SerializerMethodField()
    fees = serializers.SerializerMethodField()
    formatted = serializers.SerializerMethodField()
    allowed_statuses = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "number", "kind", "kind_label", "flow", "status", "status_label", "allowed_statuses",
                  "payment_status", "payment_status_label", "fulfilment", "fulfilment_label", "branch", "branch_name",
                  "customer", "customer_name", "notes", "delivery", "scheduled_for", "party_size", "currency",
                  *AMOUNTS, "fees", "formatted", "coupon_code", "lines", "created_at", "updated_at"]

    def get_status_label(self, order) -> str:
        return status_label(order.status)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_allowed_statuses(self, order) -> list[dict]:
        """Where staff may move it next."""
        flow = flow_for(order)
        return [{"status": code, "label": flow.label(code)} for code in flow.allowed(order.status)]

    @extend_schema_field(OrderLineOutput(many=True))
    def get_lines(self, order):
        return OrderLineOutput(order.lines.all(), many=True, context={"currency": order.currency}).data

    @extend_schema_field(FeeOutput(many=True))
    def get_fees(self, order):
        return [{"code": fee.get("code", ""), "label": fee_label(fee.get("code", "")), "amount": fee.get("amount", 0)}
                for fee in order.fees or []]

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_formatted(self, order) -> dict:
        """The amounts as people read them, in the request's language (₩22,000)."""
        return {name: _formatted(order.currency, getattr(order, name)) for name in AMOUNTS}


class OrderDetailOutput(OrderOutput):
    transitions = TransitionOutput(many=True, read_only=True)

    class Meta(OrderOutput.Meta):
        fields = [*OrderOutput.Meta.fields, "transitions"]


class ConsumerOrderOutput(OrderOutput):
    can_cancel = serializers.SerializerMethodField()
    transitions = ConsumerTransitionOutput(many=True, read_only=True)

    class Meta(OrderOutput.Meta):
        fields = [name for name in OrderOutput.Meta.fields if name not in ("allowed_statuses", "customer",
                                                                           "customer_name")] + ["can_cancel",
                                                                                                "transitions"]

    def get_can_cancel(self, order) -> bool:
        return flow_for(order).customer_may_cancel(order)
