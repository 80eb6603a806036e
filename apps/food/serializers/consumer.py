"""What customers read: the branches taking orders and their rules, a branch's menu with
what can be ordered now, a delivery quote, an order's tracking and a reorder's outcome.
Names in the reader's language (apps.catalog.translation)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.catalog.serializers import OpenItemOutput, money_display
from apps.catalog.translation import localized
from apps.core.serializers import ModelSerializer
from apps.orders.serializers import ConsumerOrderOutput

from ..models import BranchOrdering
from .staff import BandOutput, CoordinateField


class OpenBranchOutput(ModelSerializer):
    """A branch as a customer chooses it (`state`, set by the view: open now, paused, the
    next opening, the delivery area's radius)."""

    id = serializers.IntegerField(source="branch.id")
    name = serializers.CharField(source="branch.name")
    address = serializers.CharField(source="branch.address")
    phone = serializers.SerializerMethodField()
    timezone = serializers.CharField(source="branch.timezone")
    opening_hours = serializers.JSONField(source="branch.opening_hours")
    delivery_bands = BandOutput(many=True)
    delivery_radius_m = serializers.SerializerMethodField(help_text="How far it delivers (the last band's limit "
                                                                    "when fees go by distance).")
    currency = serializers.SerializerMethodField()
    formatted = serializers.SerializerMethodField()
    open_now = serializers.SerializerMethodField()
    opens_at = serializers.SerializerMethodField()
    taking_orders = serializers.SerializerMethodField(help_text="Open now and not paused.")

    class Meta:
        model = BranchOrdering
        fields = ["id", "name", "address", "phone", "timezone", "opening_hours", "pickup", "delivery",
                  "min_order_amount", "delivery_fee", "delivery_bands", "delivery_radius_m", "latitude", "longitude",
                  "prep_minutes", "delivery_minutes", "currency", "formatted", "paused", "open_now", "opens_at",
                  "taking_orders"]

    def get_phone(self, ordering) -> str:
        return str(ordering.branch.phone or "")

    def get_delivery_radius_m(self, ordering) -> int:
        return ordering.state["radius_m"]

    def get_currency(self, ordering) -> str:
        return settings.COMMERCE_CURRENCY

    def get_formatted(self, ordering) -> dict[str, str]:
        currency = settings.COMMERCE_CURRENCY
        return {"min_order_amount": money_display(ordering.min_order_amount, currency),
                "delivery_fee": money_display(ordering.delivery_fee, currency)}

    def get_open_now(self, ordering) -> bool:
        return ordering.state["open_now"]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_opens_at(self, ordering):
        opens = ordering.state["opens_at"]
        return opens.isoformat() if opens else None

    def get_taking_orders(self, ordering) -> bool:
        return ordering.state["taking_orders"]


class MenuHoursRow(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    hours = serializers.JSONField()


class MenuItemOutput(OpenItemOutput):
    """A dish on a branch's menu (context: `periods` {item id: menu periods}, `why_not`
    {item id: reason code, "" when it can be ordered now})."""

    menu_hours = serializers.SerializerMethodField()
    available_now = serializers.SerializerMethodField()
    unavailable_reason = serializers.SerializerMethodField(
        help_text="Why it cannot be ordered now: closed, paused, sold_out, out_of_hours (empty when it can).")

    class Meta(OpenItemOutput.Meta):
        fields = ["id", "category", "category_name", "name", "description", "price", "currency", "price_display",
                  "vat_rate", "sold_out", "stock", "option_groups", "images", "menu_hours", "available_now",
                  "unavailable_reason"]

    @extend_schema_field(MenuHoursRow(many=True))
    def get_menu_hours(self, item) -> list[dict]:
        return [{"id": period.pk, "name": localized(period, "name"), "hours": period.hours}
                for period in self.context["periods"].get(item.pk, [])]

    def get_available_now(self, item) -> bool:
        return not self.context["why_not"][item.pk]

    def get_unavailable_reason(self, item) -> str:
        return self.context["why_not"][item.pk]


class MenuCategoryOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null: dishes without a category.")
    name = serializers.CharField()
    items = MenuItemOutput(many=True)


class MenuOutput(serializers.Serializer):
    branch = OpenBranchOutput()
    categories = MenuCategoryOutput(many=True)


class QuoteInput(serializers.Serializer):
    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)


class QuoteOutput(serializers.Serializer):
    inside = serializers.BooleanField(help_text="Whether the branch delivers there.")
    distance_m = serializers.IntegerField(help_text="Straight-line distance from the branch, in metres.")
    radius_m = serializers.IntegerField()
    fee = serializers.IntegerField(allow_null=True, help_text="The delivery fee there (null outside the area).")
    fee_display = serializers.CharField()
    currency = serializers.CharField()
    minimum = serializers.IntegerField(help_text="The branch's minimum order (items only).")


# --- Tracking ---------------------------------------------------------------------------------


class TrackingStepOutput(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.CharField(help_text="Why, for a rejection or a cancellation.")


class UpcomingStepOutput(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()


class EstimateOutput(serializers.Serializer):
    ready_by = serializers.DateTimeField(allow_null=True)
    delivered_by = serializers.DateTimeField(allow_null=True)
    text = serializers.CharField(help_text="The promise as a sentence in the reader's language (empty when none).")


class TrackingBranchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()


class TrackingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    fulfilment = serializers.CharField()
    fulfilment_label = serializers.CharField()
    finished = serializers.BooleanField(help_text="Delivered, picked up, rejected or cancelled.")
    branch = TrackingBranchOutput(allow_null=True)
    estimate = EstimateOutput()
    steps = TrackingStepOutput(many=True, help_text="What happened, oldest first.")
    next_steps = UpcomingStepOutput(many=True, help_text="What is still to come on its way.")
    rider = serializers.CharField(help_text="The rider's first name while the order is out for delivery.")
    can_cancel = serializers.BooleanField()
    payment_status = serializers.CharField()


# --- Reorder ----------------------------------------------------------------------------------


class SkippedLineOutput(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField(help_text="An error code: unknown_item, item_unavailable, option_invalid, "
                                             "option_unavailable, option_choices, out_of_stock, "
                                             "food_item_out_of_hours.")
    message = serializers.CharField()


class ReorderOutput(serializers.Serializer):
    order = ConsumerOrderOutput()
    skipped = SkippedLineOutput(many=True)


def fee_display(amount) -> str:
    return money_display(amount, settings.COMMERCE_CURRENCY) if amount is not None else ""
