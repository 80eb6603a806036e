from django.utils.dates import WEEKDAYS as DJANGO_WEEKDAYS
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.branches.validation import WEEKDAYS
from apps.core.serializers import ModelSerializer, StrictCharField
from apps.core.urls import absolute_url
from apps.tenants.models import Tenant

from .models import Listing
from .selectors import localized

# mon … sun (the branches' opening-hours keys) with their names in the reader's language
WEEKDAY_LABELS = dict(zip(WEEKDAYS, (DJANGO_WEEKDAYS[index] for index in range(7)), strict=True))
CATEGORIES = [(value, label) for value, label in Tenant.BusinessType.choices if value != Tenant.BusinessType.PLATFORM]
ORDERING_CHOICES = [
    ("name", _("By name")), ("rating", _("Lowest rated first")), ("-rating", _("Highest rated first")),
    ("orders", _("Fewest orders in the last 30 days first")), ("-orders", _("Most orders in the last 30 days first")),
]


class DirectoryQuery(serializers.Serializer):
    category = serializers.ChoiceField(choices=CATEGORIES, required=False,
                                       help_text=_("A business type: academy, food, retail or service."))
    q = StrictCharField(max_length=100, required=False, allow_blank=True,
                        help_text=_("Search in names, descriptions and cities."))
    ordering = serializers.ChoiceField(choices=ORDERING_CHOICES, required=False, default="name",
                                       help_text=_("name, rating, -rating, orders or -orders (orders: the last 30 "
                                                   "days)."))


def opening_hours(hours: dict) -> list[dict]:
    """{"mon": ["09:00-18:00"]} as people read it: every weekday in order, with its name."""
    return [{"day": day, "label": str(label), "hours": list((hours or {}).get(day, []))}
            for day, label in WEEKDAY_LABELS.items()]


class OpeningHoursOutput(serializers.Serializer):
    day = serializers.CharField()
    label = serializers.CharField(help_text=_("The weekday in the reader's language."))
    hours = serializers.ListField(child=serializers.CharField(), help_text=_("Ranges “HH:MM-HH:MM”; empty: closed."))


class BranchOutput(serializers.Serializer):
    name = serializers.CharField()
    address = serializers.CharField()
    timezone = serializers.CharField()
    opening_hours = serializers.SerializerMethodField()

    def get_opening_hours(self, branch) -> list[dict]:
        return OpeningHoursOutput(opening_hours(branch.get("opening_hours")), many=True).data


class ListingSummaryOutput(ModelSerializer):
    business_type_label = serializers.CharField(source="get_business_type_display",
                                                help_text=_("The business type in the reader's language."))
    headline = serializers.SerializerMethodField(help_text=_("In the reader's language when the business wrote "
                                                             "one, else as written."))
    rating_avg = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True, coerce_to_string=True)
    orders_30d = serializers.IntegerField(help_text=_("Orders received in the last 30 days."))
    branch_count = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text=_("The business's own site (its consumer API is under "
                                                        "/api/v1/ there)."))

    class Meta:
        model = Listing
        fields = ["slug", "name", "headline", "business_type", "business_type_label", "city", "rating_avg",
                  "rating_count", "orders_30d", "branch_count", "url"]

    def get_headline(self, listing) -> str:
        return localized(listing, "headline")

    def get_branch_count(self, listing) -> int:
        return len(listing.branches or [])

    def get_url(self, listing) -> str | None:
        return absolute_url("/", host=listing.domain) if listing.domain else None


class ListingProfileOutput(ListingSummaryOutput):
    description = serializers.SerializerMethodField(help_text=_("In the reader's language when the business wrote "
                                                                "one, else as written."))
    branches = BranchOutput(many=True)

    class Meta(ListingSummaryOutput.Meta):
        fields = [*ListingSummaryOutput.Meta.fields, "description", "branches"]

    def get_description(self, listing) -> str:
        return localized(listing, "description")


class ListingOutput(ListingProfileOutput):
    """The workspace's own view of its listing (tenant API): its texts as written."""

    headline = serializers.CharField()
    description = serializers.CharField()
    updated_at = serializers.DateTimeField(allow_null=True, help_text=_("Null until the listing is first saved."))

    class Meta(ListingProfileOutput.Meta):
        fields = [*ListingProfileOutput.Meta.fields, "is_listed", "language", "translations", "synced_at",
                  "updated_at"]
        read_only_fields = fields


class ListingInput(serializers.Serializer):
    is_listed = serializers.BooleanField(required=False)
    headline = StrictCharField(max_length=200, required=False, allow_blank=True)
    description = StrictCharField(max_length=5000, required=False, allow_blank=True)
    translations = serializers.JSONField(required=False, help_text=_(
        'Other languages: {"en": {"headline": "...", "description": "..."}}.'))
    city = StrictCharField(max_length=100, required=False, allow_blank=True)
