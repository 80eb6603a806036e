"""Each branch's ordering rules (pickup, delivery, minimum, fees by distance, area, times)
and its pause, for the branches the caller reaches."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from apps.branches.models import Branch
from apps.core.api import ERROR_RESPONSES

from ..serializers import OrderingInput, OrderingOutput, PauseInput
from ..services.ordering import ordering_pause, ordering_resume, ordering_update
from .common import TAGS, FoodApi, rules_of

RULES_OUTPUT = {
    "branch": 1, "branch_name": "Seongsu", "branch_active": True,
    "opening_hours": {"mon": ["11:00-21:00"], "tue": ["11:00-21:00"]}, "pickup": True, "delivery": True,
    "min_order_amount": 15000, "delivery_fee": 3000,
    "delivery_bands": [{"up_to_m": 1000, "fee": 2000}, {"up_to_m": 3000, "fee": 3500}], "delivery_radius_m": 3000,
    "latitude": "37.544000", "longitude": "127.055900", "prep_minutes": 20, "delivery_minutes": 20,
    "accept_within_minutes": 5, "board_offline_minutes": 10, "paused": False, "pause_reason": "",
    "pause_reason_label": "", "paused_at": None, "board_seen_at": "2026-03-02T12:00:05Z", "open_now": True,
    "opens_at": None, "taking_orders": True, "formatted": {"min_order_amount": "₩15,000", "delivery_fee": "₩3,000"}}
RULES_DESCRIPTION = (
    "Delivery needs the branch's location (`latitude`, `longitude`): the area is measured from it. With "
    "`delivery_bands` the fee goes by distance and the last band is also the edge of the area; without, every "
    "delivery pays `delivery_fee` within `delivery_radius_m`. `min_order_amount` counts items only. "
    "`accept_within_minutes`: an order nobody accepts in time is rejected and refunded. "
    "`board_offline_minutes`: during opening hours, ordering pauses by itself when no kitchen board has been open "
    "this long (0: never). Refusals: `validation_error` (bands not growing, delivery without a location, neither "
    "pickup nor delivery).")


def _one(branch: Branch) -> dict:
    return OrderingOutput(rules_of([branch])[0]).data


class BranchRulesListApi(FoodApi):
    perms = {"GET": "ordering:view"}
    serializer_class = OrderingOutput
    pagination_class = None  # a business's branches
    queryset = Branch.objects.none()  # for the schema

    @extend_schema(tags=TAGS, summary="The ordering rules of the branches you reach, and whether each takes orders "
                                      "now", responses={200: OrderingOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Branches", value=[RULES_OUTPUT], response_only=True)])
    def get(self, request):
        return Response(OrderingOutput(rules_of(self.branches()), many=True).data)


class BranchRulesApi(FoodApi):
    perms = {"GET": "ordering:view", "PATCH": "ordering:change"}
    serializer_class = OrderingOutput
    queryset = Branch.objects.none()  # for the schema

    @extend_schema(tags=TAGS, summary="A branch's ordering rules", responses={200: OrderingOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Rules", value=RULES_OUTPUT, response_only=True)])
    def get(self, request, pk):
        return Response(_one(self.branch(pk)))

    @extend_schema(tags=TAGS, summary="Change a branch's ordering rules", request=OrderingInput,
                   description=RULES_DESCRIPTION, responses={200: OrderingOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Delivery by distance", request_only=True, value={
                       "delivery": True, "latitude": "37.544000", "longitude": "127.055900",
                       "delivery_bands": [{"up_to_m": 1000, "fee": 2000}, {"up_to_m": 3000, "fee": 3500}],
                       "min_order_amount": 15000}),
                             OpenApiExample("Changed", value=RULES_OUTPUT, response_only=True)])
    def patch(self, request, pk):
        branch = self.branch(pk)  # another branch: 404 before the body is read
        serializer = OrderingInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "delivery_bands" in data:
            data["delivery_bands"] = [dict(band) for band in data["delivery_bands"]]
        ordering_update(branch=branch, actor=self.actor, **data)
        return Response(_one(branch))


class BranchPauseApi(FoodApi):
    perms = {"POST": "ordering:change"}
    serializer_class = OrderingOutput
    queryset = Branch.objects.none()  # for the schema

    @extend_schema(tags=TAGS, summary="Stop taking orders at a branch (until resumed)", request=PauseInput,
                   description="Customers' new orders are refused with `food_ordering_paused`; orders already "
                               "placed stay on the board. The owner and staff are told (`food.ordering_paused`).",
                   responses={200: OrderingOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Pause", value={"note": "The oven is broken"}, request_only=True),
                             OpenApiExample("Paused", response_only=True, value={
                                 **RULES_OUTPUT, "paused": True, "pause_reason": "manual",
                                 "pause_reason_label": "Paused by staff", "paused_at": "2026-03-02T12:10:00Z",
                                 "taking_orders": False})])
    def post(self, request, pk):
        branch = self.branch(pk)
        serializer = PauseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        ordering_pause(branch=branch, actor=self.actor, note=serializer.validated_data["note"])
        return Response(_one(branch))


class BranchResumeApi(FoodApi):
    perms = {"POST": "ordering:change"}
    serializer_class = OrderingOutput
    queryset = Branch.objects.none()  # for the schema

    @extend_schema(tags=TAGS, summary="Take orders again at a paused branch", request=None,
                   description="Ends a pause, whoever or whatever caused it (staff, or no kitchen board).",
                   responses={200: OrderingOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Resumed", value=RULES_OUTPUT, response_only=True)])
    def post(self, request, pk):
        branch = self.branch(pk)
        ordering_resume(branch=branch, actor=self.actor)
        return Response(_one(branch))
