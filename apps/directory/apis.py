"""The directory: on the public host, listed businesses for anyone (AllowAny, rate
limited like every API); on a workspace's host, the workspace's own listing (opt in or
out, what it says about itself). Thin: parse, one selector or service, serialise."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.core.api import ERROR_RESPONSES
from apps.core.keyset import StrictPageSize
from apps.rbac.api import WorkspaceApi

from . import selectors, services
from .errors import ListingNotFound
from .serializers import DirectoryQuery, ListingInput, ListingOutput, ListingProfileOutput, ListingSummaryOutput

HOURS = [{"day": "mon", "label": "Monday", "hours": ["11:00-15:00", "17:00-22:00"]},
         {"day": "tue", "label": "Tuesday", "hours": ["11:00-22:00"]},
         {"day": "wed", "label": "Wednesday", "hours": []}]
SUMMARY = {"slug": "bistro", "name": "Bistro Seoul", "headline": "Home-style Korean lunch",
           "business_type": "food", "business_type_label": "Food service", "city": "Seoul", "rating_avg": "4.60",
           "rating_count": 52, "orders_30d": 318, "branch_count": 2, "url": "https://bistro.example.com/"}
PROFILE = {**SUMMARY, "description": "Lunch sets and evening dishes, made fresh every day.",
           "branches": [{"name": "Gangnam", "address": "Seoul, Gangnam-gu, Teheran-ro 1", "timezone": "Asia/Seoul",
                         "opening_hours": HOURS}]}
OWN = {**PROFILE, "is_listed": True, "language": "ko", "translations": {"en": {"headline": "Home-style lunch"}},
       "synced_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z"}


class DirectoryPagination(StrictPageSize, PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class DirectoryListApi(GenericAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = DirectoryPagination
    serializer_class = ListingSummaryOutput
    filter_backends = []

    @extend_schema(tags=["directory"], summary="Businesses in the directory",
                   description="Active businesses that chose to be listed. Filter by `category` (business type), "
                               "search with `q`, order by `name`, `rating` / `-rating` or `orders` / `-orders` "
                               "(orders received in the last 30 days). Labels are in the language of "
                               "`Accept-Language` (en, ko). An unknown category or ordering is a `validation_error`.",
                   parameters=[DirectoryQuery], responses={200: ListingSummaryOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Page", response_only=True, value={
                       "count": 1, "next": None, "previous": None, "results": [SUMMARY]})])
    def get(self, request):
        query = DirectoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        listings = selectors.directory_listings(category=query.validated_data.get("category"),
                                                q=query.validated_data.get("q"),
                                                ordering=query.validated_data["ordering"])
        page = self.paginate_queryset(listings)
        return self.get_paginated_response(ListingSummaryOutput(page, many=True).data)


class DirectoryDetailApi(GenericAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = ListingProfileOutput

    @extend_schema(tags=["directory"], summary="A business's profile: description, branches with hours, rating",
                   parameters=[OpenApiParameter("slug", {"type": "string", "maxLength": 40}, OpenApiParameter.PATH,
                                                description="The business's name in addresses (`bistro`).")],
                   responses={200: ListingProfileOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Profile", response_only=True, value=PROFILE)])
    def get(self, request, slug):
        listing = selectors.directory_listing(slug=slug)
        if listing is None:
            raise ListingNotFound(details={"slug": slug})
        return Response(ListingProfileOutput(listing).data)


class ListingApi(WorkspaceApi):
    perms = {"GET": "settings:view", "PATCH": "settings:change"}
    serializer_class = ListingOutput

    @extend_schema(tags=["settings"], summary="This workspace's directory listing",
                   responses={200: ListingOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Listing", response_only=True, value=OWN)])
    def get(self, request):
        return Response(ListingOutput(selectors.listing_of(tenant=request.tenant)).data)

    @extend_schema(tags=["settings"], summary="Be listed in the public directory (or not); edit what it says",
                   description="Name, business type, branches and hours are copied from the workspace (and kept "
                               "current); the headline, description (in the workspace's language, with "
                               "`translations` for others) and city are the workspace's own words.",
                   request=ListingInput, responses={200: ListingOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("List us", request_only=True, value={
                       "is_listed": True, "headline": "집밥 같은 점심", "description": "매일 만드는 점심 세트",
                       "translations": {"en": {"headline": "Home-style lunch",
                                               "description": "Lunch sets made fresh every day."}},
                       "city": "서울"}), OpenApiExample("Listing", response_only=True, value=OWN)])
    def patch(self, request):
        serializer = ListingInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.listing_update(tenant=request.tenant, actor=self.actor, **serializer.validated_data)
        return Response(ListingOutput(selectors.listing_of(tenant=request.tenant)).data)
