from decimal import Decimal
from functools import lru_cache

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.money import Money
from apps.core.serializers import ModelSerializer, StrictCharField

from .models import Category, Item, ItemImage, Option, OptionGroup
from .translation import localized

MAX_AMOUNT = 10 ** 12  # won: far above any price, far below the column's limit
MAX_POSITION = 2_147_483_647
TRANSLATIONS_HELP = _('Other languages: {"en": {"name": "…", "description": "…"}}.')


def translations_field(**kwargs):
    return serializers.DictField(child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
                                 help_text=TRANSLATIONS_HELP, **kwargs)


def money_display(amount: int, currency: str) -> str:
    return _money_display(amount, currency, translation.get_language() or "")


@lru_cache(maxsize=4096)
def _money_display(amount: int, currency: str, language: str) -> str:
    """Formatting through Babel costs ~0.1 ms; a menu repeats its prices and option deltas."""
    return Money(amount, currency).format(language or None)


def image_url(request, image: ItemImage) -> str:
    path = reverse("catalog-image", args=[image.pk])
    return request.build_absolute_uri(path) if request is not None else path


# --- Input ---------------------------------------------------------------------------------


class CategoryInput(serializers.Serializer):
    name = StrictCharField(max_length=120)
    translations = translations_field(required=False)
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False)
    is_active = serializers.BooleanField(required=False)


class OptionInput(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text=_("An existing option to keep and change."))
    name = StrictCharField(max_length=120)
    translations = translations_field(required=False)
    price_delta = serializers.IntegerField(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, required=False)
    is_available = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False)


class OptionGroupInput(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text=_("An existing option group to keep and change."))
    name = StrictCharField(max_length=120)
    translations = translations_field(required=False)
    required = serializers.BooleanField(required=False)
    min_choices = serializers.IntegerField(min_value=0, max_value=100, required=False)
    max_choices = serializers.IntegerField(min_value=0, max_value=100, required=False)
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False)
    options = OptionInput(many=True, required=False)


class ItemInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Item.Kind.choices, required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True)
    translations = translations_field(required=False)
    price = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT,
                                     help_text=_("Including VAT, in the currency's smallest unit (won)."))
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=Decimal(0),
                                        max_value=Decimal(100), required=False)
    is_active = serializers.BooleanField(required=False)
    is_sold_out = serializers.BooleanField(required=False)
    stock = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False, allow_null=True,
                                     help_text=_("Units left; null when stock is not counted."))
    branches = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                     help_text=_("Branch ids where it is offered; empty: every branch."))
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False)
    option_groups = OptionGroupInput(many=True, required=False,
                                     help_text=_("On change: replaces the option groups (entries with an id "
                                                 "keep that group)."))


class SoldOutInput(serializers.Serializer):
    sold_out = serializers.BooleanField()


class ImageInput(serializers.Serializer):
    image = serializers.FileField(help_text=_("JPEG, PNG or WebP, at most 5 MB."))
    alt_text = StrictCharField(max_length=200, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False)


# --- Staff output --------------------------------------------------------------------------


class CategoryOutput(ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "translations", "position", "is_active", "created_at", "updated_at"]


class OptionOutput(ModelSerializer):
    class Meta:
        model = Option
        fields = ["id", "name", "translations", "price_delta", "is_available", "position"]


class OptionGroupOutput(ModelSerializer):
    options = OptionOutput(many=True, read_only=True)

    class Meta:
        model = OptionGroup
        fields = ["id", "name", "translations", "required", "min_choices", "max_choices", "position", "options"]


class ImageOutput(ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ItemImage
        fields = ["id", "url", "alt_text", "position"]

    def get_url(self, image) -> str:
        return image_url(self.context.get("request"), image)


class ItemOutput(ModelSerializer):
    category_name = serializers.CharField(source="category.name", read_only=True, default=None, allow_null=True)
    price_display = serializers.SerializerMethodField()
    sold_out = serializers.SerializerMethodField(help_text="Marked sold out, or no stock left.")
    branches = serializers.SerializerMethodField()
    option_groups = OptionGroupOutput(many=True, read_only=True)
    images = ImageOutput(many=True, read_only=True)

    class Meta:
        model = Item
        fields = ["id", "kind", "category", "category_name", "name", "description", "translations", "price",
                  "currency", "price_display", "vat_rate", "is_active", "is_sold_out", "sold_out", "stock",
                  "branches", "position", "option_groups", "images", "created_at", "updated_at"]

    def get_price_display(self, item) -> str:
        return money_display(item.price, item.currency)

    def get_sold_out(self, item) -> bool:
        return item.is_sold_out or item.stock == 0

    def get_branches(self, item) -> list[int]:
        return sorted(branch.pk for branch in item.branches.all())


# --- Customer output (in the reader's language) ---------------------------------------------


class OpenCategoryOutput(ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "name", "position"]

    def get_name(self, category) -> str:
        return localized(category, "name")


class OpenOptionOutput(ModelSerializer):
    name = serializers.SerializerMethodField()
    price_delta_display = serializers.SerializerMethodField()

    class Meta:
        model = Option
        fields = ["id", "name", "price_delta", "price_delta_display", "is_available"]

    def get_name(self, option) -> str:
        return localized(option, "name")

    def get_price_delta_display(self, option) -> str:
        if not option.price_delta:
            return ""
        shown = money_display(abs(option.price_delta), option.group.item.currency)  # loaded by the prefetch
        return f"+{shown}" if option.price_delta > 0 else f"-{shown}"


class OpenOptionGroupOutput(ModelSerializer):
    name = serializers.SerializerMethodField()
    options = OpenOptionOutput(many=True, read_only=True)

    class Meta:
        model = OptionGroup
        fields = ["id", "name", "required", "min_choices", "max_choices", "options"]

    def get_name(self, group) -> str:
        return localized(group, "name")


class OpenItemOutput(ModelSerializer):
    name = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()
    category_name = serializers.SerializerMethodField()
    price_display = serializers.SerializerMethodField()
    sold_out = serializers.SerializerMethodField()
    stock = serializers.SerializerMethodField(help_text="Units left when stock is counted, else null.")
    branches = serializers.SerializerMethodField()
    option_groups = OpenOptionGroupOutput(many=True, read_only=True)
    images = ImageOutput(many=True, read_only=True)

    class Meta:
        model = Item
        fields = ["id", "kind", "category", "category_name", "name", "description", "price", "currency",
                  "price_display", "vat_rate", "sold_out", "stock", "branches", "option_groups", "images"]

    def get_name(self, item) -> str:
        return localized(item, "name")

    def get_description(self, item) -> str:
        return localized(item, "description")

    def get_category_name(self, item) -> str | None:
        return localized(item.category, "name") if item.category is not None else None

    def get_price_display(self, item) -> str:
        return money_display(item.price, item.currency)

    def get_sold_out(self, item) -> bool:
        return item.is_sold_out or item.stock == 0

    def get_stock(self, item) -> int | None:
        return item.stock

    def get_branches(self, item) -> list[int]:
        return sorted(branch.pk for branch in item.branches.all())
