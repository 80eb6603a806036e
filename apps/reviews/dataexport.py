"""Reviews in the workspace export (apps.workspace.export)."""

from apps.core.datasets import dataset

from .models import ItemRating, Review, ReviewItem

dataset("reviews/reviews", Review, customer="customer_id")
dataset("reviews/review_items", ReviewItem, customer="review__customer_id")
dataset("reviews/item_ratings", ItemRating)
