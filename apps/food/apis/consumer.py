"""What anyone may read before ordering: the branches taking orders with their rules, a
branch's menu with what can be ordered now, and what a delivery to an address costs.
Open like the shop's catalog (rate-limited per address); `?lang=` or Accept-Language
picks the language of names and amounts."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import pgettext
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from apps.branches.models import Branch
from apps.branches.selectors import branch_list_open
from apps.catalog.apis import LANG_PARAMETER, OpenCatalogApi
from apps.catalog.translation import localized
from apps.core.api import ERROR_RESPONSES
from apps.core.errors import NotFound

from ..errors import FulfilmentUnavailable
from ..selectors import menu_items, periods_by_item, why_not_orderable
from ..serializers import MenuOutput, OpenBranchOutput, QuoteInput, QuoteOutput, fee_display
from ..services.rules import FULFILMENTS, delivery_distance, delivery_fee_for
from .common import OPEN_TAGS, FoodOnly, rules_of

BRANCH_EXAMPLE = {
    "id": 1, "name": "Seongsu", "address": "12 Seongsu-ro, Seoul", "phone": "+8225551234", "timezone": "Asia/Seoul",
    "opening_hours": {"mon": ["11:00-21:00"], "sat": ["11:00-15:00"]}, "pickup": True, "delivery": True,
    "min_order_amount": 15000, "delivery_fee": 3000,
    "delivery_bands": [{"up_to_m": 1000, "fee": 2000}, {"up_to_m": 3000, "fee": 3500}], "delivery_radius_m": 3000,
    "latitude": "37.544000", "longitude": "127.055900", "prep_minutes": 20, "delivery_minutes": 20,
    "currency": "KRW", "formatted": {"min_order_amount": "₩15,000", "delivery_fee": "₩3,000"}, "paused": False,
    "open_now": True, "opens_at": None, "taking_orders": True}
DISH_EXAMPLE = {
    "id": 12, "category": 2, "category_name": "Pasta", "name": "Truffle pasta", "description": "Fresh tagliatelle",
    "price": 19000, "currency": "KRW", "price_display": "₩19,000", "vat_rate": "10.00", "sold_out": False,
    "stock": None, "option_groups": [{"id": 3, "name": "Size", "required": True, "min_choices": 1, "max_choices": 1,
                                      "options": [{"id": 8, "name": "Regular", "price_delta": 0,
                                                   "price_delta_display": "", "is_available": True},
                                                  {"id": 9, "name": "Large", "price_delta": 4000,
                                                   "price_delta_display": "+₩4,000", "is_available": True}]}],
    "images": [], "menu_hours": [], "available_now": True, "unavailable_reason": ""}


class _OpenFoodApi(FoodOnly, OpenCatalogApi):
    pagination_class = None  # a business's branches; a branch's whole menu
    queryset = Branch.objects.none()  # for the schema; requests read apps.branches.selectors.branch_list_open

    def open_branch(self, pk: int):
        return open_branch(pk)


def open_branch(pk: int):
    """A branch anyone may order from; any other is absent."""
    branch = branch_list_open().filter(pk=pk).first()
    if branch is None:
        raise NotFound(details={"branch": pk})
    return branch


class OpenBranchListApi(_OpenFoodApi):
    serializer_class = OpenBranchOutput

    @extend_schema(tags=OPEN_TAGS, summary="Branches and how they take orders now (anyone may read)", auth=[],
                   description="Pickup and/or delivery, the minimum order (items only), the delivery fee (flat, or "
                               "by distance band), the delivery area's radius, the usual preparation and delivery "
                               "times, opening hours; `taking_orders` is false while closed (`opens_at`: the next "
                               "opening) or paused.",
                   parameters=[LANG_PARAMETER], responses={200: OpenBranchOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Branches", value=[BRANCH_EXAMPLE], response_only=True)])
    def get(self, request):
        return Response(OpenBranchOutput(rules_of(branch_list_open()), many=True).data)


def _categories(items: list) -> list[dict]:
    """The dishes grouped by their (active) category in the shop's order; the rest last."""
    groups: dict = {}
    for item in items:
        category = item.category if item.category is not None and item.category.is_active else None
        key = (0, category.position, category.pk) if category is not None else (1, 0, 0)
        if key not in groups:
            groups[key] = {"id": category.pk if category else None,
                           "name": localized(category, "name") if category else pgettext("menu", "Other dishes"),
                           "items": []}
        groups[key]["items"].append(item)
    return [groups[key] for key in sorted(groups)]


class BranchMenuApi(_OpenFoodApi):
    serializer_class = MenuOutput

    @extend_schema(tags=OPEN_TAGS, summary="A branch's menu: dishes by category with options, images and whether "
                                           "each can be ordered now (anyone may read)", auth=[],
                   description="`available_now` is false while the branch is closed or paused, the dish is sold "
                               "out, or it is served only in menu hours that are not now (`unavailable_reason`). "
                               "Option groups say what must be chosen (`required`, `min_choices`, `max_choices`) "
                               "and what each option adds to the price.",
                   parameters=[LANG_PARAMETER], responses={200: MenuOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Menu", response_only=True, value={
                       "branch": BRANCH_EXAMPLE, "categories": [{"id": 2, "name": "Pasta", "items": [DISH_EXAMPLE]}]})])
    def get(self, request, pk):
        menu, context = branch_menu(pk)
        return Response(MenuOutput(menu, context={"request": request, **context}).data)


def branch_menu(pk: int) -> tuple[dict, dict]:
    """A branch's menu as MenuOutput reads it, and the serializer's context without the
    request: (`branch`: its rules with their state, `categories` of dishes; `periods`
    {item id: menu hours}, `why_not` {item id: why it cannot be ordered now})."""
    ordering = rules_of([open_branch(pk)])[0]
    items = list(menu_items(branch_id=ordering.branch_id))
    periods = periods_by_item(item_ids=[item.pk for item in items])
    why_not = {item.pk: why_not_orderable(item, periods=periods.get(item.pk), state=ordering.state)
               for item in items}
    return {"branch": ordering, "categories": _categories(items)}, {"periods": periods, "why_not": why_not}


class DeliveryQuoteApi(_OpenFoodApi):
    serializer_class = QuoteOutput

    @extend_schema(tags=OPEN_TAGS, summary="Whether a branch delivers to a spot, and for what fee (anyone may ask)",
                   auth=[], request=QuoteInput, responses={200: QuoteOutput, **ERROR_RESPONSES},
                   description="The distance is measured in a straight line from the branch. A branch that does not "
                               "deliver: `food_fulfilment_unavailable` (422).",
                   examples=[OpenApiExample("Spot", value={"latitude": "37.547000", "longitude": "127.060000"},
                                            request_only=True),
                             OpenApiExample("Inside", response_only=True, value={
                                 "inside": True, "distance_m": 498, "radius_m": 3000, "fee": 2000,
                                 "fee_display": "₩2,000", "currency": "KRW", "minimum": 15000})])
    def post(self, request, pk):
        ordering = rules_of([self.open_branch(pk)])[0]
        serializer = QuoteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not ordering.delivery or not ordering.has_location:
            raise FulfilmentUnavailable(details={"branch": ordering.branch_id, "fulfilment": "delivery",
                                                 "offered": [name for name in FULFILMENTS if getattr(ordering, name)]})
        spot = {name: str(value) for name, value in serializer.validated_data.items()}
        distance, radius = delivery_distance(ordering, spot), ordering.state["radius_m"]
        fee = delivery_fee_for(ordering, distance) if distance <= radius else None
        return Response({"inside": distance <= radius, "distance_m": distance, "radius_m": radius, "fee": fee,
                         "fee_display": fee_display(fee), "currency": settings.COMMERCE_CURRENCY,
                         "minimum": ordering.min_order_amount})
