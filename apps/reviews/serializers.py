import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.serializers import ModelSerializer, StrictCharField

from .models import MAX_RATING, MIN_RATING, REASON_MAX_LENGTH, REPLY_MAX_LENGTH, TEXT_MAX_LENGTH, Review, ReviewItem

HANGUL = re.compile(r"[\u3131-\u318e\uac00-\ud7a3]")


def masked_name(name: str) -> str:
    """A reviewer's name as the public sees it: Korean names keep their first and last
    syllable (김민수 -> 김*수, 이현 -> 이*), others the initials (Minji Kim -> M*** K.)."""
    name = " ".join((name or "").split())
    if not name:
        return "***"
    if HANGUL.search(name):
        compact = name.replace(" ", "")
        if len(compact) <= 2:
            return compact[0] + "*"
        return compact[0] + "*" * (len(compact) - 2) + compact[-1]
    words = name.split(" ")
    first = words[0][0].upper() + "***"
    return f"{first} {words[-1][0].upper()}." if len(words) > 1 else first


class RatingField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=MIN_RATING, max_value=MAX_RATING,
                         help_text=_("From 1 (poor) to 5 (excellent)."), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or isinstance(data, float) and not data.is_integer():
            self.fail("invalid")  # true is not 1, 4.5 is not 4
        return super().to_internal_value(data)


class ReviewInput(serializers.Serializer):
    rating = RatingField()
    text = StrictCharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="")


class ReplyInput(serializers.Serializer):
    text = StrictCharField(max_length=REPLY_MAX_LENGTH,
                           help_text=_("Your public answer under the review (replaces an earlier reply)."))


class HideInput(serializers.Serializer):
    reason = StrictCharField(max_length=REASON_MAX_LENGTH, help_text=_("Why it is hidden (kept in the audit log)."))


class ReviewItemOutput(ModelSerializer):
    class Meta:
        model = ReviewItem
        fields = ["item", "item_name"]


class MyReviewOutput(ModelSerializer):
    order_number = serializers.IntegerField(source="order.number", read_only=True)
    items = ReviewItemOutput(many=True, read_only=True)

    class Meta:
        model = Review
        fields = ["id", "order", "order_number", "rating", "text", "items", "reply", "replied_at", "is_hidden",
                  "created_at", "updated_at"]


class ReviewOutput(ModelSerializer):
    """A review as staff see it."""

    order_number = serializers.IntegerField(source="order.number", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    branch = serializers.IntegerField(source="order.branch_id", read_only=True, allow_null=True)
    items = ReviewItemOutput(many=True, read_only=True)

    class Meta:
        model = Review
        fields = ["id", "order", "order_number", "branch", "customer", "customer_name", "rating", "text", "items",
                  "reply", "replied_at", "replied_by", "is_hidden", "hidden_reason", "hidden_at", "hidden_by",
                  "created_at", "updated_at"]


class PublicReviewOutput(ModelSerializer):
    """A visible review as anyone reads it: the author's name masked."""

    author = serializers.SerializerMethodField(help_text=_("The reviewer's name, masked (김*수, M*** K.)."))
    items = serializers.SerializerMethodField(help_text=_("The names of the reviewed order's items."))

    class Meta:
        model = Review
        fields = ["id", "rating", "text", "author", "items", "reply", "replied_at", "created_at"]

    def get_author(self, review) -> str:
        return masked_name(review.customer.name)

    def get_items(self, review) -> list[str]:
        return [row.item_name for row in review.items.all()]


class RatingOutput(serializers.Serializer):
    avg = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=False, allow_null=True,
                                   help_text=_("The average of the visible ratings (null without any)."))
    count = serializers.IntegerField()


class RatingsOutput(serializers.Serializer):
    workspace = RatingOutput()
    items = serializers.DictField(child=RatingOutput(), help_text=_("By item id."))
