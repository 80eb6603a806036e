"""Reviews over the API: customers review their completed orders and list their reviews
(/api/v1/my/...), staff read, reply, hide and show again (/api/v1/reviews/...), and
anyone reads an item's visible reviews and the ratings (/api/v1/catalog/...)."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.consumers.api import ConsumerApi
from apps.core.api import ERROR_RESPONSES
from apps.core.filters import IsoDateTimeFilter
from apps.core.keyset import StrictPageSize
from apps.orders.selectors import my_orders
from apps.rbac.api import LIST_BACKENDS, WorkspaceApi

from . import selectors, services
from .errors import ItemNotFound, NotYourOrder, ReviewNotFound
from .models import Review
from .serializers import (
    HideInput,
    MyReviewOutput,
    PublicReviewOutput,
    RatingsOutput,
    ReplyInput,
    ReviewInput,
    ReviewOutput,
)

MY_REVIEW = {"id": 31, "order": 118, "order_number": 1042, "rating": 5, "text": "맛있어요! Fast pickup too.",
             "items": [{"item": 7, "item_name": "Bibimbap"}, {"item": 9, "item_name": "Iced tea"}],
             "reply": "", "replied_at": None, "is_hidden": False, "created_at": "2026-03-02T12:30:00Z",
             "updated_at": "2026-03-02T12:30:00Z"}
STAFF_REVIEW = {**MY_REVIEW, "branch": 1, "customer": 42, "customer_name": "Kim Minsu",
                "reply": "Thank you, see you again!", "replied_at": "2026-03-02T13:00:00Z", "replied_by": 5,
                "hidden_reason": "", "hidden_at": None, "hidden_by": None}
PUBLIC_REVIEW = {"id": 31, "rating": 5, "text": "맛있어요! Fast pickup too.", "author": "김*수",
                 "items": ["Bibimbap", "Iced tea"], "reply": "Thank you, see you again!",
                 "replied_at": "2026-03-02T13:00:00Z", "created_at": "2026-03-02T12:30:00Z"}
RATINGS = {"workspace": {"avg": 4.6, "count": 25},
           "items": {"7": {"avg": 4.75, "count": 12}, "9": {"avg": 4.0, "count": 3}}}


class NewestFirst(StrictPageSize, CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-id")


# --- Consumers ------------------------------------------------------------------------


class MyOrderReviewApi(ConsumerApi):
    queryset = Review.objects.none()  # for the schema's path parameters; reads go through selectors
    serializer_class = MyReviewOutput

    @extend_schema(tags=["reviews"], summary="Review my completed order", request=ReviewInput,
                   description="A rating from 1 to 5 and an optional text (at most 2,000 characters), once per "
                               "order (`review_exists`, 409), when the order is completed (`review_order_not_done`, "
                               "409). Another person's order is `not_found`.",
                   responses={201: MyReviewOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Review", value={"rating": 5, "text": "맛있어요! Fast pickup too."},
                                            request_only=True),
                             OpenApiExample("Written", value=MY_REVIEW, response_only=True, status_codes=["201"])])
    def post(self, request, pk):
        serializer = ReviewInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = my_orders(customer=self.customer).filter(pk=pk).first()
        if order is None:
            raise NotYourOrder(details={"order": pk})
        review = services.review_create(order=order, customer=self.customer, actor=self.user,
                                        **serializer.validated_data)
        return Response(MyReviewOutput(selectors.my_reviews(customer=self.customer).get(pk=review.pk)).data,
                        status=status.HTTP_201_CREATED)


class MyReviewListApi(ConsumerApi):
    queryset = Review.objects.none()  # for the schema's path parameters; reads go through selectors
    serializer_class = MyReviewOutput
    pagination_class = NewestFirst

    @extend_schema(tags=["reviews"], summary="My reviews (newest first; hidden ones say so)",
                   responses={200: MyReviewOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Reviews", value=[MY_REVIEW], response_only=True)])
    def get(self, request):
        page = self.paginate_queryset(selectors.my_reviews(customer=self.customer))
        return self.get_paginated_response(MyReviewOutput(page, many=True).data)


# --- Staff ------------------------------------------------------------------------------


class ReviewFilter(filters.FilterSet):
    hidden = filters.BooleanFilter(field_name="is_hidden")
    replied = filters.BooleanFilter(method="filter_replied")
    item = filters.NumberFilter(field_name="items__item", distinct=True)
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    date = filters.DateFilter(field_name="created_at", lookup_expr="date",
                              help_text="Written on this day (UTC), e.g. 2026-03-02.")

    class Meta:
        model = Review
        fields = ["rating", "hidden", "replied", "item", "created_after", "created_before", "date"]

    def filter_replied(self, queryset, name, value):
        return queryset.exclude(reply="") if value else queryset.filter(reply="")


class ReviewListApi(WorkspaceApi):
    perms = {"GET": "review:view"}
    serializer_class = ReviewOutput
    filter_backends = LIST_BACKENDS
    filterset_class = ReviewFilter
    search_fields = ["text", "reply", "customer__name"]
    ordering_fields = ["created_at", "rating", "id"]

    def get_queryset(self):
        return selectors.review_list(access=self.access)

    @extend_schema(tags=["reviews"], summary="List reviews (filter, search; scoped to your branches)",
                   description="Filters: `rating`, `hidden`, `replied`, `item` (item id), `date`, `created_after`, "
                               "`created_before`; `search` looks in the text, the reply and the customer's name.",
                   responses={200: ReviewOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Reviews", value=[STAFF_REVIEW], response_only=True)])
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ReviewOutput(page, many=True).data)


class _ReviewApi(WorkspaceApi):
    serializer_class = ReviewOutput

    def review(self, pk) -> Review:
        review = selectors.review_list(access=self.access, perm=self.perm_name()).filter(pk=pk).first()
        if review is None:
            raise ReviewNotFound(details={"review": pk})
        return review

    def answer(self, pk) -> Response:
        return Response(ReviewOutput(self.review(pk)).data)


class ReviewDetailApi(_ReviewApi):
    perms = {"GET": "review:view"}

    @extend_schema(tags=["reviews"], summary="A review", responses={200: ReviewOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Review", value=STAFF_REVIEW, response_only=True)])
    def get(self, request, pk):
        return self.answer(pk)


class ReviewReplyApi(_ReviewApi):
    perms = {"POST": "review:change"}

    @extend_schema(tags=["reviews"], summary="Reply to a review (replaces an earlier reply)", request=ReplyInput,
                   responses={200: ReviewOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Reply", value={"text": "Thank you, see you again!"}, request_only=True),
                             OpenApiExample("Replied", value=STAFF_REVIEW, response_only=True)])
    def post(self, request, pk):
        review = self.review(pk)  # unknown or another workspace's: 404 before any input check
        serializer = ReplyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.review_reply(review=review, actor=self.actor, text=serializer.validated_data["text"])
        return self.answer(pk)


class ReviewHideApi(_ReviewApi):
    perms = {"POST": "review:change"}

    @extend_schema(tags=["reviews"], summary="Hide a review (it stops counting in the ratings)", request=HideInput,
                   description="Hidden reviews are shown to nobody but their author and staff. A hidden review is "
                               "`review_already_hidden` (409).",
                   responses={200: ReviewOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Hide", value={"reason": "Personal data of a staff member"},
                                            request_only=True)])
    def post(self, request, pk):
        review = self.review(pk)  # unknown or another workspace's: 404 before any input check
        serializer = HideInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.review_hide(review=review, actor=self.actor, reason=serializer.validated_data["reason"])
        return self.answer(pk)


class ReviewUnhideApi(_ReviewApi):
    perms = {"POST": "review:change"}

    @extend_schema(tags=["reviews"], summary="Show a hidden review again", request=None,
                   description="A review that is not hidden is `review_not_hidden` (409).",
                   responses={200: ReviewOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        services.review_unhide(review=self.review(pk), actor=self.actor)
        return self.answer(pk)


# --- Anyone -------------------------------------------------------------------------------


class ItemReviewListApi(GenericAPIView):
    queryset = Review.objects.none()  # for the schema's path parameters; reads go through selectors
    permission_classes = [AllowAny]  # rate-limited like every endpoint (per user, key or address)
    pagination_class = NewestFirst
    serializer_class = PublicReviewOutput

    @extend_schema(tags=["reviews"], auth=[], summary="An item's reviews (newest first, with the business's replies)",
                   description="Visible reviews only; reviewers' names are masked.",
                   responses={200: PublicReviewOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Reviews", value=[PUBLIC_REVIEW], response_only=True)])
    def get(self, request, pk):
        if not selectors.item_is_open(item_id=pk):
            raise ItemNotFound(details={"item": pk})
        page = self.paginate_queryset(selectors.item_reviews(item_id=pk))
        return self.get_paginated_response(PublicReviewOutput(page, many=True).data)


class RatingListApi(GenericAPIView):
    permission_classes = [AllowAny]  # rate-limited like every endpoint (per user, key or address)
    serializer_class = RatingsOutput

    @extend_schema(tags=["reviews"], auth=[], summary="Ratings: the business's average and each item's",
                   description="Averages of the visible reviews, to two decimals; items are keyed by id and listed "
                               "when they have at least one visible review.",
                   responses={200: RatingsOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Ratings", value=RATINGS, response_only=True)])
    def get(self, request):
        return Response(RatingsOutput(selectors.ratings_summary()).data)
