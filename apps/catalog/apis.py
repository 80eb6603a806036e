"""Catalog API: staff manage the catalog under /catalog/manage/ (WorkspaceApi, category:*
and item:*); anyone browses active items under /catalog/ in their language (Accept-Language
or ?lang=)."""

import json
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from apps.accounts.callers import api_access
from apps.core.api import ERROR_RESPONSES
from apps.core.errors import NotFound
from apps.rbac.api import LIST_BACKENDS, WorkspaceApi, WorkspaceCursorPagination

from . import selectors, services
from .examples import ITEM_EXAMPLE, OPEN_ITEM_EXAMPLE
from .models import Item
from .serializers import (
    CategoryInput,
    CategoryOutput,
    ImageInput,
    ImageOutput,
    ItemInput,
    ItemOutput,
    OpenCategoryOutput,
    OpenItemOutput,
    SoldOutInput,
)
from .validation import language_codes

TAGS = ["catalog"]
OPEN_TAGS = ["catalog (customers)"]
ERRORS = ERROR_RESPONSES


class CatalogPagination(WorkspaceCursorPagination):
    ordering = ("position", "id")  # the order the shop arranged


# --- Staff ---------------------------------------------------------------------------------


class CategoryListApi(WorkspaceApi):
    perms = {"GET": "category:view", "POST": "category:add"}
    serializer_class = CategoryOutput
    pagination_class = CatalogPagination
    filter_backends = LIST_BACKENDS
    filterset_fields = ["is_active"]
    search_fields = ["name"]
    ordering_fields = ["name", "position", "id"]

    def get_queryset(self):
        return selectors.category_list()

    @extend_schema(tags=TAGS, summary="List categories", responses={200: CategoryOutput(many=True), **ERRORS})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CategoryOutput(page, many=True).data)

    @extend_schema(tags=TAGS, summary="Add a category", request=CategoryInput,
                   responses={201: CategoryOutput, **ERRORS},
                   examples=[OpenApiExample("Category", request_only=True, value={
                       "name": "커피", "translations": {"en": {"name": "Coffee"}}, "position": 1})])
    def post(self, request):
        data = CategoryInput(data=request.data)
        data.is_valid(raise_exception=True)
        category = services.category_create(actor=self.actor, **data.validated_data)
        return Response(CategoryOutput(category).data, status=status.HTTP_201_CREATED)


class CategoryDetailApi(WorkspaceApi):
    perms = {"GET": "category:view", "PATCH": "category:change", "DELETE": "category:delete"}
    serializer_class = CategoryOutput

    def get_queryset(self):
        return selectors.category_list()

    @extend_schema(tags=TAGS, summary="A category", responses={200: CategoryOutput, **ERRORS})
    def get(self, request, pk):
        return Response(CategoryOutput(self.get_object()).data)

    @extend_schema(tags=TAGS, summary="Change a category", request=CategoryInput,
                   responses={200: CategoryOutput, **ERRORS},
                   examples=[OpenApiExample("Hide", request_only=True, value={"is_active": False})])
    def patch(self, request, pk):
        category = self.get_object()
        data = CategoryInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(CategoryOutput(services.category_update(category=category, actor=self.actor,
                                                                **data.validated_data)).data)

    @extend_schema(tags=TAGS, summary="Delete a category (its items stay, without a category)",
                   responses={204: None, **ERRORS})
    def delete(self, request, pk):
        services.category_delete(category=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class IdFilter(filters.NumberFilter):
    """A whole number (django-filter's NumberFilter would take 1.5 as 1)."""

    field_class = forms.IntegerField


class ItemFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Item.Kind.choices)
    category = IdFilter(field_name="category_id")
    active = filters.BooleanFilter(field_name="is_active")
    sold_out = filters.BooleanFilter(method="filter_sold_out", label="sold out (marked, or no stock left)")
    branch = IdFilter(method="filter_branch", label="offered at this branch")

    class Meta:
        model = Item
        fields = ["kind", "category", "active", "sold_out", "branch"]

    def filter_sold_out(self, queryset, name, value):
        condition = Q(is_sold_out=True) | Q(stock=0)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_branch(self, queryset, name, value):
        return selectors.items_offered_at(queryset, int(value))


class ItemListApi(WorkspaceApi):
    perms = {"GET": "item:view", "POST": "item:add"}
    serializer_class = ItemOutput
    pagination_class = CatalogPagination
    filter_backends = LIST_BACKENDS
    filterset_class = ItemFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "price", "position", "created_at", "id"]

    def get_queryset(self):
        return selectors.item_list()

    @extend_schema(tags=TAGS, summary="List items (filter by kind, category, active, sold_out, branch; search)",
                   responses={200: ItemOutput(many=True), **ERRORS})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ItemOutput(page, many=True, context={"request": request}).data)

    @extend_schema(tags=TAGS, summary="Add an item with its option groups and options", request=ItemInput,
                   description="Option groups: `required` groups need `min_choices` ≥ 1 (set to 1 when left "
                               "out); `min_choices` ≤ `max_choices`. Errors: `option_choices_invalid`, "
                               "`translation_invalid`, `item_branches_invalid`, `validation_error`.",
                   responses={201: ItemOutput, **ERRORS},
                   examples=[OpenApiExample("Menu item with options", request_only=True, value=ITEM_EXAMPLE)])
    def post(self, request):
        data = ItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_create(actor=self.actor, **data.validated_data)
        return Response(ItemOutput(self.get_queryset().get(pk=item.pk), context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class ItemDetailApi(WorkspaceApi):
    perms = {"GET": "item:view", "PATCH": "item:change", "DELETE": "item:delete"}
    serializer_class = ItemOutput

    def get_queryset(self):
        return selectors.item_list()

    @extend_schema(tags=TAGS, summary="An item", responses={200: ItemOutput, **ERRORS})
    def get(self, request, pk):
        return Response(ItemOutput(self.get_object(), context={"request": request}).data)

    @extend_schema(tags=TAGS, summary="Change an item", request=ItemInput, responses={200: ItemOutput, **ERRORS},
                   description="Fields left out stay. `option_groups`, when given, replaces the item's groups: "
                               "an entry with an `id` keeps and changes that group (its `options` likewise), "
                               "entries without one are added, groups left out are removed. Orders keep the "
                               "options they were placed with.",
                   examples=[OpenApiExample("New price, deactivate", request_only=True,
                                            value={"price": 5000, "is_active": False})])
    def patch(self, request, pk):
        item = self.get_object()
        data = ItemInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.item_update(item=item, actor=self.actor, **data.validated_data)
        return Response(ItemOutput(self.get_queryset().get(pk=pk), context={"request": request}).data)

    @extend_schema(tags=TAGS, summary="Delete an item (orders keep their lines; consider deactivating)",
                   responses={204: None, **ERRORS})
    def delete(self, request, pk):
        services.item_delete(item=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemSoldOutApi(WorkspaceApi):
    perms = {"POST": "item:change"}
    serializer_class = ItemOutput

    def get_queryset(self):
        return selectors.item_list()

    @extend_schema(tags=TAGS, summary="Mark an item sold out, or back on sale", request=SoldOutInput,
                   responses={200: ItemOutput, **ERRORS},
                   examples=[OpenApiExample("Sold out", request_only=True, value={"sold_out": True})])
    def post(self, request, pk):
        item = self.get_object()
        data = SoldOutInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.item_set_sold_out(item=item, sold_out=data.validated_data["sold_out"], actor=self.actor)
        return Response(ItemOutput(self.get_queryset().get(pk=pk), context={"request": request}).data)


class ItemImageListApi(WorkspaceApi):
    perms = {"POST": "item:change"}
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImageInput

    def get_queryset(self):
        return selectors.item_list()

    @extend_schema(tags=TAGS, summary="Upload an image of an item", request={"multipart/form-data": ImageInput},
                   description="JPEG, PNG or WebP, at most 5 MB, judged by the file's content; at most 10 per "
                               "item. Errors: `image_invalid`, `image_too_large`, `item_image_limit`.",
                   responses={201: ImageOutput, **ERRORS})
    def post(self, request, pk):
        item = self.get_object()
        data = ImageInput(data=request.data)
        data.is_valid(raise_exception=True)
        image = services.item_image_add(item=item, actor=self.actor, **data.validated_data)
        return Response(ImageOutput(image, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ItemImageDetailApi(WorkspaceApi):
    perms = {"DELETE": "item:change"}

    def get_object(self):
        item = super().get_object()
        image = item.images.filter(pk=self.kwargs["image_pk"]).first()
        if image is None:
            raise NotFound()
        return image

    def get_queryset(self):
        return selectors.item_list()

    @extend_schema(tags=TAGS, summary="Remove an image of an item", responses={204: None, **ERRORS})
    def delete(self, request, pk, image_pk):
        services.item_image_delete(image=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Customers: browse active items (anyone) -------------------------------------------------

LANG_PARAMETER = OpenApiParameter("lang", str, enum=["en", "ko"], required=False,
                                  description="Language of names and prices (default: Accept-Language).")


# Query parameters whose answers are kept (selectors.open_answer_cached); a search (`q`) is
# not: its texts are endless, and one seldom repeats.
CACHED_PARAMETERS = frozenset({"lang", "kind", "category", "branch", "cursor", "page_size"})


class OpenCatalogApi(GenericAPIView):
    """Anyone may read; rate-limited like every endpoint (per user, key or address). What
    is read most (the menu, the course list) is answered from the cache until the catalog
    changes: every visitor of a shop reads the same pages."""

    permission_classes = [AllowAny]
    pagination_class = CatalogPagination

    def cached(self, request, what: str, build) -> Response:
        """Response(build()), the data kept for the same address, language and query."""
        parameters = request.query_params
        tenant = getattr(request, "tenant", None)
        if tenant is None or not parameters.keys() <= CACHED_PARAMETERS:
            return Response(build())
        variant = "\n".join([request.scheme, request.get_host(), translation.get_language() or "",
                              urlencode(sorted(parameters.lists()), doseq=True)])
        return Response(selectors.open_answer_cached(
            what=what, tenant_id=tenant.pk, variant=variant,
            build=lambda: json.loads(JSONRenderer().render(build()))))  # plain data, as the client reads it

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        language = request.query_params.get("lang")
        if language is not None:
            if language not in language_codes():
                raise exceptions.ValidationError({"lang": [_("Use one of: %(languages)s.")
                                                           % {"languages": ", ".join(language_codes())}]})
            translation.activate(language)
            request._request.LANGUAGE_CODE = language


class OpenCategoryListApi(OpenCatalogApi):
    serializer_class = OpenCategoryOutput

    def get_queryset(self):
        return selectors.category_list_open()

    @extend_schema(tags=OPEN_TAGS, summary="Categories (active ones, in the shop's order)", auth=[],
                   parameters=[LANG_PARAMETER], responses={200: OpenCategoryOutput(many=True), **ERRORS})
    def get(self, request):
        return self.cached(request, "categories", lambda: self.get_paginated_response(
            OpenCategoryOutput(self.paginate_queryset(self.get_queryset()), many=True).data).data)


class OpenItemFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Item.Kind.choices)
    category = IdFilter(field_name="category_id")
    branch = IdFilter(method="filter_branch", label="offered at this branch")
    q = filters.CharFilter(method="filter_text", label="search in names and descriptions", max_length=100)

    class Meta:
        model = Item
        fields = ["kind", "category", "branch", "q"]

    def filter_branch(self, queryset, name, value):
        return selectors.items_offered_at(queryset, int(value))

    def filter_text(self, queryset, name, value):
        return selectors.items_matching(queryset, value.strip()) if value.strip() else queryset


class OpenItemListApi(OpenCatalogApi):
    serializer_class = OpenItemOutput
    filterset_class = OpenItemFilter

    def get_queryset(self):
        return selectors.item_list_open()

    @extend_schema(tags=OPEN_TAGS, summary="Items for sale (active ones), with options, prices and images",
                   auth=[], parameters=[LANG_PARAMETER], responses={200: OpenItemOutput(many=True), **ERRORS},
                   examples=[OpenApiExample("Page", response_only=True, value={
                       "next": None, "previous": None, "results": [OPEN_ITEM_EXAMPLE]})])
    def get(self, request):
        def build():
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
            return self.get_paginated_response(OpenItemOutput(page, many=True, context={"request": request}).data).data

        return self.cached(request, "items", build)


class OpenItemDetailApi(OpenCatalogApi):
    serializer_class = OpenItemOutput

    def get_queryset(self):
        return selectors.item_list_open()

    @extend_schema(tags=OPEN_TAGS, summary="An item for sale (404 when inactive)", auth=[],
                   parameters=[LANG_PARAMETER], responses={200: OpenItemOutput, **ERRORS},
                   examples=[OpenApiExample("Item", response_only=True, value=OPEN_ITEM_EXAMPLE)])
    def get(self, request, pk):
        return self.cached(request, f"item:{pk}",
                           lambda: OpenItemOutput(self.get_object(), context={"request": request}).data)


class ItemImageFileApi(OpenCatalogApi):
    """The image file itself. Images of inactive items only for staff who may see items
    (a bearer token or key with item:view, or an admin session)."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)  # an image, whatever Accept says

    def _may_see_hidden(self, request) -> bool:
        session_user = getattr(request._request, "user", None)
        if session_user is not None and session_user.is_authenticated and session_user.has_perm("catalog.view_item"):
            return True
        return request.user.is_authenticated and api_access(request).has("catalog.view_item")

    @extend_schema(tags=OPEN_TAGS, summary="An item's image file", auth=[],
                   responses={**{(200, media): OpenApiResponse(OpenApiTypes.BINARY)
                                 for media in ("image/jpeg", "image/png", "image/webp")}, **ERRORS})
    def get(self, request, pk):
        image = selectors.image_open(image_id=pk)
        if image is None or (not image.item.is_active and not self._may_see_hidden(request)):
            raise NotFound()
        try:
            handle = image.image.open("rb")
        except (FileNotFoundError, OSError):
            raise NotFound() from None
        response = FileResponse(handle)
        response["Cache-Control"] = "public, max-age=3600" if image.item.is_active else "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

