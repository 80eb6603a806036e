"""Reviews of completed orders by their customers: a rating from 1 to 5 and a text, one per
order, with the staff's reply; staff hide a review rather than delete it (audited).

Each review keeps the order's items as they were when it was written (`ReviewItem`), so
that an item's reviews survive a renamed or deleted item. `ItemRating` holds each item's
count and total of visible ratings, recomputed from the reviews in the transaction that
changes them (apps.reviews.services), so that catalog pages read averages without
aggregating."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MIN_RATING, MAX_RATING = 1, 5
TEXT_MAX_LENGTH = 2000
REPLY_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 255


def rating_average(total: int, count: int) -> Decimal | None:
    """The mean rating to two decimals (4.67), None without ratings."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Review(models.Model):
    order = models.OneToOneField("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                                 related_name="review")
    customer = models.ForeignKey("crm.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(MIN_RATING), MaxValueValidator(MAX_RATING)],
        help_text=_("From 1 (poor) to 5 (excellent)."))
    # (a TextField's max_length only sizes the form's widget: the validators enforce it)
    text = models.TextField(_("review"), max_length=TEXT_MAX_LENGTH, blank=True,
                            validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    reply = models.TextField(_("reply"), max_length=REPLY_MAX_LENGTH, blank=True,
                             validators=[MaxLengthValidator(REPLY_MAX_LENGTH)],
                             help_text=_("Shown under the review to everyone who can read it."))
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    is_hidden = models.BooleanField(_("hidden"), default=False,
                                    help_text=_("Hidden reviews are not shown and do not count in the ratings."))
    hidden_reason = models.CharField(_("reason for hiding"), max_length=REASON_MAX_LENGTH, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("hidden by"), null=True, blank=True,
                                  on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        # Customers write reviews and staff hide them: nobody adds or deletes one in the admin.
        default_permissions = ("view", "change")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=MIN_RATING) & Q(rating__lte=MAX_RATING),
                                   name="reviews_review_rating_range"),
        ]
        indexes = [models.Index(fields=["is_hidden", "-created_at"]),
                   models.Index(fields=["customer", "-created_at"])]

    def __str__(self):
        return f"★{self.rating} · #{self.order.number}" if self.order_id else f"★{self.rating}"

    @property
    def is_replied(self) -> bool:
        return bool(self.reply)


class ReviewItem(models.Model):
    """An item of the reviewed order, as it was named when the review was written."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("catalog.Item", verbose_name=_("item"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    item_name = models.CharField(_("item"), max_length=200)

    class Meta:
        verbose_name = _("reviewed item")
        verbose_name_plural = _("reviewed items")
        ordering = ["id"]
        default_permissions = ()  # comes with the review's
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="reviews_reviewitem_unique_item")]
        indexes = [models.Index(fields=["item", "review"])]

    def __str__(self):
        return self.item_name


class ItemRating(models.Model):
    """An item's visible ratings: how many, and their sum (the average is total / count)."""

    item = models.OneToOneField("catalog.Item", verbose_name=_("item"), on_delete=models.CASCADE,
                                related_name="review_rating", primary_key=True)
    count = models.PositiveIntegerField(_("reviews"), default=0)
    total = models.PositiveIntegerField(_("sum of ratings"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("item rating")
        verbose_name_plural = _("item ratings")
        default_permissions = ()  # written only by the review services
        constraints = [models.CheckConstraint(condition=Q(total__gte=models.F("count")) & Q(
            total__lte=models.F("count") * MAX_RATING), name="reviews_itemrating_total_in_range")]

    def __str__(self):
        return f"{self.item_id}: {self.average} ({self.count})"

    @property
    def average(self) -> Decimal | None:
        return rating_average(self.total, self.count)
