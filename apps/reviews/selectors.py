from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet, Sum

from apps.catalog.selectors import item_list_open

from .models import ItemRating, Review, ReviewItem, rating_average

BRANCH_FIELD = "order__branch"  # a review belongs to the branch of its order


def _with_items(queryset: QuerySet[Review]) -> QuerySet[Review]:
    return queryset.prefetch_related(Prefetch("items", queryset=ReviewItem.objects.order_by("id")))


def review_list(*, access, perm: str = "reviews.view_review") -> QuerySet[Review]:
    """Every review (hidden ones too) the caller reaches with `perm`, by the branch of its order."""
    queryset = _with_items(Review.objects.select_related("order", "customer"))
    return access.scope_filter(queryset, perm, branch_field=BRANCH_FIELD)


def review_branch_id(review: Review) -> int | None:
    return review.order.branch_id


def my_reviews(*, customer) -> QuerySet[Review]:
    """The customer's own reviews, hidden ones included (they see that staff hid them)."""
    return _with_items(Review.objects.filter(customer=customer).select_related("order"))


def item_is_open(*, item_id: int) -> bool:
    """Whether customers see the item (reviews are read where the item is)."""
    return item_list_open().filter(pk=item_id).exists()


def item_reviews(*, item_id: int) -> QuerySet[Review]:
    """The visible reviews of an item, newest first, with their replies."""
    return _with_items(Review.objects.filter(is_hidden=False, items__item_id=item_id).select_related("customer"))


def ratings_summary() -> dict:
    """{"workspace": {"avg", "count"}, "items": {item id: {"avg", "count"}}} over the
    visible reviews; items without a visible review, or no longer offered, are left out
    (two queries)."""
    workspace = Review.objects.filter(is_hidden=False).aggregate(count=Count("id"), total=Sum("rating"))
    rows = ItemRating.objects.filter(count__gt=0, item__in=item_list_open().values("pk")).order_by("item_id")
    return {
        "workspace": {"avg": rating_average(workspace["total"] or 0, workspace["count"]),
                      "count": workspace["count"]},
        "items": {row.item_id: {"avg": row.average, "count": row.count} for row in rows},
    }
