"""Menu hours (breakfast, lunch: which dishes are served when) and the kitchen's sold-out
switch."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.catalog.models import Item
from apps.catalog.serializers import SoldOutInput
from apps.catalog.services import item_set_sold_out
from apps.catalog.translation import localized
from apps.core.api import ERROR_RESPONSES
from apps.core.errors import NotFound

from ..errors import NotAMenuItem
from ..selectors import period_list
from ..serializers import MenuPeriodInput, MenuPeriodOutput, MenuRowOutput
from ..services.menu import menu_period_delete, menu_period_save
from .common import TAGS, FoodApi

PERIOD_EXAMPLE = {"name": "아침 메뉴", "translations": {"en": {"name": "Breakfast"}},
                  "hours": {"mon": ["07:00-10:30"], "tue": ["07:00-10:30"], "sat": ["08:00-11:00"]},
                  "items": [12, 14], "is_active": True}
PERIOD_OUTPUT = {"id": 3, **PERIOD_EXAMPLE, "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z"}


def _parse(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class MenuHoursListApi(FoodApi):
    perms = {"GET": "menuhours:view", "POST": "menuhours:add"}
    serializer_class = MenuPeriodOutput

    def get_queryset(self):
        return period_list()

    @extend_schema(tags=TAGS, summary="Menu hours (breakfast, lunch) with the dishes served only then, newest first",
                   responses={200: MenuPeriodOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(MenuPeriodOutput(page, many=True).data)

    @extend_schema(tags=TAGS, summary="Add menu hours", request=MenuPeriodInput,
                   description="A dish in menu hours can be ordered only while one of its menu hours is open "
                               "(`food_item_out_of_hours` otherwise); a dish in none whenever its branch is open. "
                               "`items` are menu items' ids. Refusals: `validation_error` (hours that are not "
                               "\"HH:MM-HH:MM\" ranges per weekday, an id that is not a menu item).",
                   responses={201: MenuPeriodOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Breakfast", value=PERIOD_EXAMPLE, request_only=True),
                             OpenApiExample("Added", value=PERIOD_OUTPUT, response_only=True, status_codes=["201"])])
    def post(self, request):
        data = _parse(MenuPeriodInput, request)
        period = menu_period_save(actor=self.actor, items=data.pop("items", None), **data)
        return Response(MenuPeriodOutput(self.get_queryset().get(pk=period.pk)).data, status=status.HTTP_201_CREATED)


class MenuHoursDetailApi(FoodApi):
    perms = {"GET": "menuhours:view", "PATCH": "menuhours:change", "DELETE": "menuhours:delete"}
    serializer_class = MenuPeriodOutput

    def get_queryset(self):
        return period_list()

    @extend_schema(tags=TAGS, summary="Menu hours", responses={200: MenuPeriodOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Breakfast", value=PERIOD_OUTPUT, response_only=True)])
    def get(self, request, pk):
        return Response(MenuPeriodOutput(self.get_object()).data)

    @extend_schema(tags=TAGS, summary="Change menu hours", request=MenuPeriodInput,
                   description="Fields left out stay; `items`, when given, replaces the dishes.",
                   responses={200: MenuPeriodOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Later on Saturdays", request_only=True,
                                            value={"hours": {"sat": ["09:00-11:30"]}})])
    def patch(self, request, pk):
        period = self.get_object()
        data = _parse(MenuPeriodInput, request, partial=True)
        menu_period_save(period=period, actor=self.actor, items=data.pop("items", None), **data)
        return Response(MenuPeriodOutput(self.get_queryset().get(pk=pk)).data)

    @extend_schema(tags=TAGS, summary="Remove menu hours (their dishes can then be ordered all day)",
                   responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, pk):
        menu_period_delete(period=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemSoldOutApi(FoodApi):
    perms = {"POST": "item:change"}
    serializer_class = MenuRowOutput
    queryset = Item.objects.none()  # for the schema

    @extend_schema(tags=TAGS, summary="Mark a dish sold out, or back on sale (the kitchen board's switch)",
                   request=SoldOutInput, responses={200: MenuRowOutput, **ERROR_RESPONSES},
                   description="For menu items (`food_not_a_menu_item`, 422, for other items). Customers see it "
                               "at once on the menu (`sold_out`); an order for it is refused (`item_unavailable`).",
                   examples=[OpenApiExample("Sold out", value={"sold_out": True}, request_only=True),
                             OpenApiExample("Marked", value={"id": 12, "name": "Truffle pasta", "sold_out": True},
                                            response_only=True)])
    def post(self, request, pk):
        item = Item.objects.filter(pk=pk).first()
        if item is None:
            raise NotFound(details={"item": pk})
        data = _parse(SoldOutInput, request)
        if item.kind != Item.Kind.MENU_ITEM:
            raise NotAMenuItem(details={"item": item.pk, "kind": item.kind})
        item = item_set_sold_out(item=item, sold_out=data["sold_out"], actor=self.actor)
        return Response(MenuRowOutput({"id": item.pk, "name": localized(item, "name"),
                                       "sold_out": item.is_sold_out or item.stock == 0}).data)
