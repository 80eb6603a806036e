from django.urls import path

from . import apis

urlpatterns = [
    path("my/orders/<int:pk>/review/", apis.MyOrderReviewApi.as_view(), name="my-order-review"),
    path("my/reviews/", apis.MyReviewListApi.as_view(), name="my-review-list"),
    path("reviews/", apis.ReviewListApi.as_view(), name="review-list"),
    path("reviews/<int:pk>/", apis.ReviewDetailApi.as_view(), name="review-detail"),
    path("reviews/<int:pk>/reply/", apis.ReviewReplyApi.as_view(), name="review-reply"),
    path("reviews/<int:pk>/hide/", apis.ReviewHideApi.as_view(), name="review-hide"),
    path("reviews/<int:pk>/unhide/", apis.ReviewUnhideApi.as_view(), name="review-unhide"),
    path("catalog/items/<int:pk>/reviews/", apis.ItemReviewListApi.as_view(), name="catalog-item-reviews"),
    path("catalog/ratings/", apis.RatingListApi.as_view(), name="catalog-ratings"),
]
