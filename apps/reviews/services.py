"""Review writes: a customer reviews their completed order (once), staff reply, hide and
show again. Every write is audited in its transaction and brings the ratings up to date
in the same transaction: each reviewed item's count and sum of visible ratings
(ItemRating) and the workspace's average in the public directory, both recomputed from
the visible reviews rather than adjusted, so that they never drift."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from apps.audit.services import audit_record
from apps.core.changes import diff, model_update, snapshot
from apps.core.db import xact_lock
from apps.core.errors import ReasonRequired
from apps.directory.services import listing_set_rating
from apps.orders.selectors import order_get_for_update, order_is_done
from apps.rbac.tenancy import current_tenant

from .errors import NotYourOrder, OrderNotReviewable, ReviewAlreadyHidden, ReviewExists, ReviewNotHidden
from .models import ItemRating, Review, ReviewItem, rating_average

CREATED_FIELDS = ["order", "customer", "rating", "text"]
# Validated by the services themselves (ownership, one per order) or set by them.
NOT_CLEANED = ["order", "customer", "replied_by", "hidden_by"]


def _audit(action: str, *, actor, review: Review, changes=None, metadata=None) -> None:
    audit_record(action=action, actor=actor, target=review, tenant=current_tenant(), changes=changes,
                 metadata=metadata)


def _items_of(order) -> list[ReviewItem]:
    """The order's items, once each (two lines of one item with other options are one item)."""
    rows, seen = [], set()
    for line in order.lines.all():
        key = line.item_id if line.item_id is not None else f"name:{line.item_name}"
        if key not in seen:
            seen.add(key)
            rows.append(ReviewItem(item_id=line.item_id, item_name=line.item_name[:200]))
    return rows


def review_create(*, order, customer, rating: int, text: str = "", actor=None) -> Review:
    """`customer` reviews their `order` (an order of someone else is `not_found`), once it
    is done in its flow (`review_order_not_done`), once per order (`review_exists`, also
    under concurrent requests: the order row is locked and the one-to-one is the floor).
    `actor`: the person writing (default: the customer's account)."""
    if order.customer_id is None or order.customer_id != customer.pk:
        raise NotYourOrder(details={"order": order.pk})
    review = Review(order=order, customer=customer, rating=rating, text=text)
    review.full_clean(exclude=NOT_CLEANED, validate_unique=False)  # rating 1-5, text length
    with transaction.atomic():
        locked = order_get_for_update(order_id=order.pk)  # two reviews of one order queue here
        if not order_is_done(locked):
            raise OrderNotReviewable(details={"order": order.pk, "status": locked.status})
        existing = Review.objects.filter(order_id=order.pk).values_list("pk", flat=True).first()
        if existing is not None:
            raise ReviewExists(details={"order": order.pk, "review": existing})
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:  # the one-to-one: a writer that did not lock the order
            raise ReviewExists(details={"order": order.pk}) from None
        items = _items_of(locked)
        for row in items:
            row.review = review
        ReviewItem.objects.bulk_create(items)
        ratings_refresh(item_ids=[row.item_id for row in items if row.item_id is not None])
        _audit("review.created", actor=actor if actor is not None else customer.user, review=review,
               changes=diff({}, snapshot(review, CREATED_FIELDS)),
               metadata={"order_number": locked.number, "items": [row.item_name for row in items]})
    return review


def review_reply(*, review: Review, actor, text: str) -> Review:
    """Write, change or (with an empty text) remove the staff's public reply."""
    text = (text or "").strip()
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("order").get(pk=review.pk)
        if text == review.reply:
            return review
        data = {"reply": text, "replied_at": timezone.now() if text else None, "replied_by": actor if text else None}
        changes = model_update(review, data=data, fields=["reply", "replied_at", "replied_by"],
                               clean_exclude=NOT_CLEANED)
        _audit("review.replied", actor=actor, review=review, changes=changes)
    return review


def review_hide(*, review: Review, actor, reason: str) -> Review:
    """Hide a review from everyone but its author and the staff; it stops counting in the
    ratings. The reason is kept with it and in the audit log."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("order").get(pk=review.pk)
        if review.is_hidden:
            raise ReviewAlreadyHidden(details={"review": review.pk})
        changes = model_update(review, data={"is_hidden": True, "hidden_reason": reason, "hidden_at": timezone.now(),
                                             "hidden_by": actor},
                               fields=["is_hidden", "hidden_reason", "hidden_at", "hidden_by"],
                               clean_exclude=NOT_CLEANED)
        ratings_refresh(item_ids=_item_ids(review))
        _audit("review.hidden", actor=actor, review=review, changes=changes, metadata={"reason": reason})
    return review


def review_unhide(*, review: Review, actor) -> Review:
    """Show a hidden review again (its rating counts again)."""
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("order").get(pk=review.pk)
        if not review.is_hidden:
            raise ReviewNotHidden(details={"review": review.pk})
        changes = model_update(review, data={"is_hidden": False, "hidden_reason": "", "hidden_at": None,
                                             "hidden_by": None},
                               fields=["is_hidden", "hidden_reason", "hidden_at", "hidden_by"],
                               clean_exclude=NOT_CLEANED)
        ratings_refresh(item_ids=_item_ids(review))
        _audit("review.unhidden", actor=actor, review=review, changes=changes)
    return review


def _item_ids(review: Review) -> list[int]:
    return list(review.items.filter(item__isnull=False).values_list("item_id", flat=True))


def ratings_refresh(*, item_ids) -> None:
    """Recompute the ratings of `item_ids` and of the workspace from the visible reviews,
    in the caller's transaction.

    The recomputations of one workspace take turns (a transaction-scoped advisory lock):
    under READ COMMITTED each query after the lock sees the reviews committed by the
    writer before, so two reviews written at once both count, whichever commits first."""
    xact_lock(f"reviews.ratings:{connection.schema_name}")
    item_ids = sorted(set(item_ids))
    if item_ids:
        sums = {row["item_id"]: row for row in ReviewItem.objects.filter(item_id__in=item_ids, review__is_hidden=False)
                .values("item_id").annotate(count=Count("review_id"), total=Sum("review__rating"))}
        ItemRating.objects.bulk_create(
            [ItemRating(item_id=item_id, count=sums.get(item_id, {}).get("count", 0),
                        total=sums.get(item_id, {}).get("total", 0)) for item_id in item_ids],
            update_conflicts=True, unique_fields=["item"], update_fields=["count", "total", "updated_at"])
    workspace = Review.objects.filter(is_hidden=False).aggregate(count=Count("id"), total=Sum("rating"))
    tenant = current_tenant()
    if tenant is not None:
        listing_set_rating(tenant=tenant, avg=rating_average(workspace["total"] or 0, workspace["count"]),
                           count=workspace["count"])
