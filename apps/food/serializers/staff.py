"""Staff input and output: menu hours, the sold-out switch, each branch's ordering rules
and pause, a step of an order on the kitchen board or the rider page. The board's own
payload (apps.food.board) is documented by the serializers in .board."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.money import Money
from apps.core.serializers import ModelSerializer, StrictCharField

from .. import flow as F
from ..models import BranchOrdering, MenuPeriod
from ..services.ordering import MAX_BANDS
from ..services.tickets import MAX_READY_MINUTES

MAX_AMOUNT = 10 ** 12  # won: far above any fee or minimum, far below the column's limit
MAX_PERIOD_ITEMS = 500


class CoordinateField(serializers.DecimalField):
    """Degrees, rounded to 6 places (about 10 cm): phones send more digits than we keep."""

    def __init__(self, *, limit: int, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, min_value=Decimal(-limit), max_value=Decimal(limit),
                         **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def language_translations_field(max_length: int):
    return serializers.DictField(
        child=serializers.DictField(child=StrictCharField(max_length=max_length, allow_blank=True)), required=False,
        help_text=_('Other languages: {"en": {"name": "…"}}.'))


def _check_languages(value: dict) -> dict:
    known = {code for code, _name in settings.LANGUAGES}
    unknown = sorted(set(value) - known)
    if unknown:
        raise serializers.ValidationError(_("Use the language codes %(codes)s.") % {"codes": ", ".join(sorted(known))})
    for entry in value.values():
        if set(entry) - {"name"}:
            raise serializers.ValidationError(_('Each language has only a "name".'))
    return value


# --- Menu hours -----------------------------------------------------------------------------


class MenuPeriodInput(serializers.Serializer):
    name = StrictCharField(max_length=80)
    translations = language_translations_field(80)
    hours = serializers.DictField(
        child=serializers.ListField(child=StrictCharField(max_length=11), max_length=10),
        help_text=_('Per weekday, a list of "HH:MM-HH:MM" ranges, e.g. {"mon": ["07:00-10:30"]}.'))
    items = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=MAX_PERIOD_ITEMS,
                                  required=False, help_text=_("Ids of the menu items served only in these hours."))
    is_active = serializers.BooleanField(required=False)

    def validate_translations(self, value):
        return _check_languages(value)


class MenuPeriodOutput(ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = MenuPeriod
        fields = ["id", "name", "translations", "hours", "items", "is_active", "created_at", "updated_at"]

    def get_items(self, period) -> list[int]:
        return sorted(item.pk for item in period.items.all())  # prefetched (selectors.period_list)


# --- Sold out ---------------------------------------------------------------------------------


class MenuRowOutput(serializers.Serializer):
    """A dish as the kitchen board lists it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    sold_out = serializers.BooleanField()


# --- Ordering rules ---------------------------------------------------------------------------


class BandInput(serializers.Serializer):
    up_to_m = serializers.IntegerField(min_value=1, max_value=50000, help_text=_("Up to this distance, in metres."))
    fee = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT)


class OrderingInput(serializers.Serializer):
    pickup = serializers.BooleanField(required=False)
    delivery = serializers.BooleanField(required=False)
    min_order_amount = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT, required=False)
    delivery_fee = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT, required=False)
    delivery_bands = BandInput(many=True, required=False, max_length=MAX_BANDS,
                               help_text=_("Fees by distance, growing distances; the last one is also the edge of "
                                           "the delivery area. An empty list: the flat delivery fee."))
    delivery_radius_m = serializers.IntegerField(min_value=100, max_value=50000, required=False)
    latitude = CoordinateField(limit=90, required=False, allow_null=True)
    longitude = CoordinateField(limit=180, required=False, allow_null=True)
    prep_minutes = serializers.IntegerField(min_value=1, max_value=240, required=False)
    delivery_minutes = serializers.IntegerField(min_value=1, max_value=240, required=False)
    accept_within_minutes = serializers.IntegerField(min_value=1, max_value=120, required=False)
    board_offline_minutes = serializers.IntegerField(min_value=0, max_value=240, required=False)


class BandOutput(serializers.Serializer):
    up_to_m = serializers.IntegerField()
    fee = serializers.IntegerField()


class OrderingOutput(ModelSerializer):
    """A branch's ordering rules and where it stands now (`state`, set by the view)."""

    branch_name = serializers.CharField(source="branch.name")
    branch_active = serializers.BooleanField(source="branch.is_active")
    opening_hours = serializers.JSONField(source="branch.opening_hours")
    delivery_bands = BandOutput(many=True)
    pause_reason_label = serializers.SerializerMethodField()
    open_now = serializers.SerializerMethodField()
    opens_at = serializers.SerializerMethodField()
    taking_orders = serializers.SerializerMethodField()
    formatted = serializers.SerializerMethodField()

    class Meta:
        model = BranchOrdering
        fields = ["branch", "branch_name", "branch_active", "opening_hours", "pickup", "delivery",
                  "min_order_amount", "delivery_fee", "delivery_bands", "delivery_radius_m", "latitude", "longitude",
                  "prep_minutes", "delivery_minutes", "accept_within_minutes", "board_offline_minutes", "paused",
                  "pause_reason", "pause_reason_label", "paused_at", "board_seen_at", "open_now", "opens_at",
                  "taking_orders", "formatted"]

    def get_pause_reason_label(self, ordering) -> str:
        return str(BranchOrdering.PauseReason(ordering.pause_reason).label) if ordering.pause_reason else ""

    def get_open_now(self, ordering) -> bool:
        return ordering.state["open_now"]

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_opens_at(self, ordering):
        opens = ordering.state["opens_at"]
        return opens.isoformat() if opens else None

    def get_taking_orders(self, ordering) -> bool:
        return ordering.state["taking_orders"]

    def get_formatted(self, ordering) -> dict[str, str]:
        """The amounts as people read them (₩15,000)."""
        currency = settings.COMMERCE_CURRENCY
        return {"min_order_amount": Money(ordering.min_order_amount, currency).format(),
                "delivery_fee": Money(ordering.delivery_fee, currency).format()}


class PauseInput(serializers.Serializer):
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="",
                           help_text=_("Why, for the owner and the other staff (optional)."))


# --- A step of an order --------------------------------------------------------------------

STEP_TARGETS = [status for status in F.LABELS if status != F.PLACED]


class StepInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=[(status, F.LABELS[status]) for status in STEP_TARGETS],
                                 help_text=_("The status to move the order to."))
    ready_in_minutes = serializers.IntegerField(
        min_value=1, max_value=MAX_READY_MINUTES, required=False, allow_null=True,
        help_text=_("On accepting (or cooking): minutes until it is ready; the branch's usual time when left out."))
    reason = StrictCharField(max_length=1000, required=False, allow_blank=True, default="",
                             help_text=_("Required to reject or cancel: the customer reads it."))
