"""The kitchen board's feed, the rider page's feed (both polled with ETag / 304) and a
step of an order (accept, cook, ready, hand over, take out, deliver, reject, cancel)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.response import Response

from apps.accounts.models import User
from apps.branches.models import Branch
from apps.core.api import ERROR_RESPONSES
from apps.core.errors import InvalidData
from apps.orders.errors import OrderNotFound
from apps.orders.models import Order
from apps.orders.selectors import orders_with_lines
from apps.payments.serializers import OrderPositionOutput

from .. import flow as F
from ..board import board_payload, etag_for, ticket_row
from ..selectors import ticket_for
from ..serializers import BoardOutput, StepInput, StepOutput
from ..services.ordering import board_seen
from ..services.tickets import food_order_cancel, food_order_reject, food_order_step
from .common import (
    BRANCH_PARAMETER,
    CHANGE_TICKET,
    DELIVER_TICKET,
    ETAG_HEADER,
    IF_NONE_MATCH,
    TAGS,
    VIEW_TICKET,
    FoodApi,
    etag_matches,
    holds,
    not_modified,
    require_any,
)

RIDER_STEPS = (F.OUT, F.DELIVERED)
TICKET_EXAMPLE = {
    "order": 41, "number": 1024, "status": "placed", "status_label": "Placed", "fulfilment": "delivery",
    "fulfilment_label": "Delivery", "branch": 1, "customer": "Kim Minji", "notes": "No onions, please.",
    "delivery": {"address": "12 Seongsu-ro, Seoul", "memo": "Leave it at the door"},
    "lines": [{"name": "Truffle pasta", "quantity": 1, "options": [{"group": "Size", "name": "Large"},
                                                                   {"group": "Toppings", "name": "Bacon"}]}],
    "total": {"amount": 28000, "currency": "KRW"}, "payment_status": "paid",
    "released_at": "2026-03-02T12:00:00+00:00", "accept_by": "2026-03-02T12:05:00+00:00", "accepted_at": None,
    "ready_by": None, "cooking_at": None, "ready_at": None, "out_at": None, "delivered_by": None, "rider": "",
    "steps": [{"to": "accepted", "label": "Accepted", "reason_required": False},
              {"to": "rejected", "label": "Rejected", "reason_required": True}], "cancel": False}
BOARD_EXAMPLE = {
    "now": "2026-03-02T12:01:10+00:00",
    "branches": [{"id": 1, "name": "Seongsu", "paused": False, "pause_reason": "", "pause_reason_label": ""}],
    "columns": [{"status": "placed", "label": "Placed", "tickets": [TICKET_EXAMPLE]},
                {"status": "accepted", "label": "Accepted", "tickets": []}],
    "menu": [{"id": 12, "name": "Truffle pasta", "sold_out": False}], "sold_out": []}
POLLING = ("Poll it (every second or two) with the last ETag in If-None-Match: 304 with no body while nothing "
           "changed (nothing is built then).")


class _PolledApi(FoodApi):
    """A feed that clients poll: the content for the branches the caller reaches (or the
    one asked for), with its ETag."""

    viewer = ""

    def answer(self, request, *, perm: str, delivery_only: bool):
        branch_ids = self.polled_branch_ids(perm)
        cook, deliver = board_rights(self.access, branch_ids, delivery_only=delivery_only)
        etag = etag_for(branch_ids=branch_ids,
                        viewer=f"{self.viewer}:{int(cook)}{int(deliver)}:{translation.get_language()}")
        if etag_matches(request, etag):
            return not_modified(etag)
        payload = board_payload(branch_ids=branch_ids, cook=cook, deliver=deliver, delivery_only=delivery_only)
        return Response(payload, headers={"ETag": etag, "Cache-Control": "private, no-cache"})


def board_rights(access, branch_ids, *, delivery_only: bool) -> tuple[bool, bool]:
    """(cook, deliver): whether the caller may take kitchen steps, and deliveries' steps, on
    the board of `branch_ids`. A kitchen board (cook, not the rider's page) being read counts
    as open: it resumes a pause its absence caused."""
    cook = holds(access, CHANGE_TICKET, branch_ids)
    deliver = delivery_only or holds(access, DELIVER_TICKET, branch_ids)
    if cook and not delivery_only:
        branches = Branch.objects.filter(is_active=True)
        for branch in branches if branch_ids is None else branches.filter(pk__in=branch_ids):
            board_seen(branch=branch)
    return cook, deliver


class BoardApi(_PolledApi):
    perms = {"GET": "ticket:view"}
    serializer_class = BoardOutput
    pagination_class = None
    queryset = Order.objects.none()  # for the schema
    viewer = "board"

    @extend_schema(tags=TAGS, summary="The kitchen board: open orders in columns by status, with the steps you may "
                                      "take",
                   description="The branches you reach with `ticket:view` (or `?branch=`). `steps` list what you may "
                               "do next: kitchen steps with `ticket:change`, taking out and delivering with "
                               "`ticket:deliver`. " + POLLING + " A board of someone with `ticket:change` counts "
                               "as the branch's kitchen board being open: while none is, ordering pauses by itself "
                               "during opening hours.",
                   parameters=[BRANCH_PARAMETER, IF_NONE_MATCH, ETAG_HEADER],
                   responses={200: BoardOutput, 304: OpenApiResponse(description="Nothing changed."),
                              **ERROR_RESPONSES},
                   examples=[OpenApiExample("Board", value=BOARD_EXAMPLE, response_only=True, status_codes=["200"])])
    def get(self, request):
        return self.answer(request, perm=VIEW_TICKET, delivery_only=False)


class RiderApi(_PolledApi):
    perms = {"GET": "ticket:deliver"}
    serializer_class = BoardOutput
    pagination_class = None
    queryset = Order.objects.none()  # for the schema
    viewer = "rider"

    @extend_schema(tags=TAGS, summary="The rider page: deliveries ready to go and out on the road",
                   description="The branches you reach with `ticket:deliver` (or `?branch=`). " + POLLING,
                   parameters=[BRANCH_PARAMETER, IF_NONE_MATCH, ETAG_HEADER],
                   responses={200: BoardOutput, 304: OpenApiResponse(description="Nothing changed."),
                              **ERROR_RESPONSES},
                   examples=[OpenApiExample("Rider", response_only=True, status_codes=["200"], value={
                       **BOARD_EXAMPLE, "columns": [
                           {"status": "ready", "label": "Ready", "tickets": [{
                               **TICKET_EXAMPLE, "status": "ready", "status_label": "Ready",
                               "steps": [{"to": "out_for_delivery", "label": "Out for delivery",
                                          "reason_required": False}]}]},
                           {"status": "out_for_delivery", "label": "Out for delivery", "tickets": []}],
                       "menu": []})])
    def get(self, request):
        return self.answer(request, perm=DELIVER_TICKET, delivery_only=True)


class OrderStepApi(FoodApi):
    perms = {"POST": "ticket:view"}
    serializer_class = StepOutput
    queryset = Order.objects.none()  # for the schema

    @extend_schema(tags=TAGS, summary="Move an order one step (the board's and the rider page's buttons)",
                   request=StepInput, responses={200: StepOutput, **ERROR_RESPONSES},
                   description="`accepted` (with `ready_in_minutes`, else the branch's usual time), `cooking`, "
                               "`ready`, `picked_up` need `ticket:change`; `out_for_delivery` and `delivered` "
                               "`ticket:deliver` (or `ticket:change`); `rejected` (before accepting) and "
                               "`cancelled` need `ticket:change` and a `reason`: everything paid is refunded. "
                               "An order outside your branches is 404. Refusals: `order_illegal_transition` (409, "
                               "the flow does not allow it, with the allowed statuses), `food_not_at_kitchen` (not "
                               "paid yet), `food_order_being_cancelled` (the customer is cancelling), "
                               "`food_wrong_fulfilment` (taking a pickup order out, handing over a delivery), "
                               "`food_not_the_rider` (403, another rider has it), `order_not_cancellable`, "
                               "`provider_error` (the refund failed: nothing changed).",
                   examples=[OpenApiExample("Accept", value={"to": "accepted", "ready_in_minutes": 15},
                                            request_only=True),
                             OpenApiExample("Reject", value={"to": "rejected", "reason": "Out of truffles today"},
                                            request_only=True),
                             OpenApiExample("Accepted", response_only=True, value={
                                 "order": {"id": 41, "number": 1024, "status": "accepted", "status_label": "Accepted",
                                           "payment_status": "paid", "total": 28000, "paid_amount": 28000,
                                           "refunded_amount": 0, "currency": "KRW"},
                                 "ticket": {**TICKET_EXAMPLE, "status": "accepted", "status_label": "Accepted",
                                            "accepted_at": "2026-03-02T12:01:30+00:00",
                                            "ready_by": "2026-03-02T12:16:30+00:00", "cancel": True,
                                            "steps": [{"to": "cooking", "label": "Cooking",
                                                       "reason_required": False}]}})])
    def post(self, request, pk):
        order = order_step(access=self.access, actor=self.actor, pk=pk, data=request.data)
        return Response({"order": OrderPositionOutput(order).data, "ticket": step_ticket(self.access, order)})


def order_in_reach(access, pk: int, perms) -> Order:
    """The food order, if one of `perms` reaches its branch; 404 otherwise."""
    for perm in perms:
        order = access.scope_filter(Order.objects.filter(flow=F.NAME), perm).filter(pk=pk).first()
        if order is not None:
            return order
    raise OrderNotFound(details={"order": pk})


def order_step(*, access, actor, pk: int, data) -> Order:
    """The step endpoint's work (`data` as its body, StepInput): the order moved one step."""
    order = order_in_reach(access, pk, [VIEW_TICKET])  # outside the reach: 404 before the body is read
    serializer = StepInput(data=data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    target, reason = data["to"], data["reason"].strip()
    held = require_any(access, "ticket:deliver", "ticket:change") if target in RIDER_STEPS else require_any(
        access, "ticket:change")
    order = order_in_reach(access, pk, held)
    if target in (F.REJECTED, F.CANCELLED) and not reason:
        raise InvalidData(_("Say why: the customer reads it."), details={"reason": [_("This field is required.")]})
    if target == F.REJECTED:
        return food_order_reject(order=order, actor=actor, reason=reason)
    if target == F.CANCELLED:
        return food_order_cancel(order=order, actor=actor, reason=reason)
    details = {}
    if data.get("ready_in_minutes") is not None:
        details["ready_in_minutes"] = data["ready_in_minutes"]
    if target == F.DELIVERED and holds(access, CHANGE_TICKET, {order.branch_id}):
        details["staff_override"] = True  # the kitchen may close a delivery another rider took
    return food_order_step(order=order, to_status=target, actor=actor, reason=reason, details=details)


def step_ticket(access, order: Order) -> dict | None:
    """The order's row on the board now, with the steps the caller may take next (None when
    it never reached the kitchen)."""
    ticket = ticket_for(order_id=order.pk)
    if ticket is None:
        return None
    rider = User.objects.filter(pk=ticket.rider_id).first() if ticket.rider_id else None
    riders = {rider.pk: rider.full_name or rider.email} if rider else {}
    cook = holds(access, CHANGE_TICKET, {ticket.branch_id})
    return ticket_row(ticket, orders_with_lines(order_ids=[order.pk])[order.pk], cook=cook,
                      deliver=cook or holds(access, DELIVER_TICKET, {ticket.branch_id}), riders=riders)
