"""The signed-in customer's food orders: where one is now (its steps, the promised time,
the rider), and ordering one again."""

from __future__ import annotations

from django.utils import translation
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.consumers.api import ConsumerApi
from apps.core.api import ERROR_RESPONSES
from apps.orders.apis import ORDER_OUTPUT
from apps.orders.errors import OrderNotFound
from apps.orders.flows import flow_for
from apps.orders.models import Order
from apps.orders.selectors import my_orders
from apps.orders.serializers import ConsumerOrderOutput

from .. import flow as F
from ..events import order_estimate
from ..selectors import ticket_for
from ..serializers import ReorderOutput, TrackingOutput
from ..services.reorder import order_reorder
from .common import IDEMPOTENCY_HEADER, MY_TAGS, FoodOnly, idempotency

PATHS = {"pickup": (F.PLACED, F.ACCEPTED, F.COOKING, F.READY, F.PICKED_UP),
         "delivery": (F.PLACED, F.ACCEPTED, F.COOKING, F.READY, F.OUT, F.DELIVERED)}
TRACKING_EXAMPLE = {
    "id": 41, "number": 1024, "status": "cooking", "status_label": "Cooking", "fulfilment": "delivery",
    "fulfilment_label": "Delivery", "finished": False,
    "branch": {"id": 1, "name": "Seongsu", "phone": "+8225551234", "address": "12 Seongsu-ro, Seoul"},
    "estimate": {"ready_by": "2026-03-02T12:20:00+09:00", "delivered_by": None,
                 "text": "Ready to go out around 12:20."},
    "steps": [{"status": "placed", "label": "Placed", "at": "2026-03-02T11:58:00+09:00", "reason": ""},
              {"status": "accepted", "label": "Accepted", "at": "2026-03-02T12:00:00+09:00", "reason": ""},
              {"status": "cooking", "label": "Cooking", "at": "2026-03-02T12:02:00+09:00", "reason": ""}],
    "next_steps": [{"status": "ready", "label": "Ready"}, {"status": "out_for_delivery", "label": "Out for delivery"},
                   {"status": "delivered", "label": "Delivered"}],
    "rider": "", "can_cancel": False, "payment_status": "paid"}


class _MyFoodOrderApi(FoodOnly, ConsumerApi):
    queryset = Order.objects.none()  # for the schema; requests read apps.orders.selectors.my_orders

    def my_order(self, pk: int) -> Order:
        """One of my food orders; anyone else's is as absent as a missing one."""
        order = my_orders(customer=self.customer, user=self.user).filter(pk=pk, flow=F.NAME).first()
        if order is None:
            raise OrderNotFound(details={"order": pk})
        return order


def _estimate(order: Order, ticket) -> dict:
    sentences = order_estimate(order).get("estimate", {})
    text = sentences.get(translation.get_language() or "") or sentences.get((translation.get_language() or "")[:2])
    promised = ticket is not None and order.status in (F.ACCEPTED, F.COOKING)
    out = ticket is not None and order.status == F.OUT
    return {"ready_by": ticket.ready_by.isoformat() if promised and ticket.ready_by else None,
            "delivered_by": ticket.delivered_by.isoformat() if out and ticket.delivered_by else None,
            "text": text or ""}


def _rider(order: Order, ticket) -> str:
    """The rider's first name while the order is on its way (never their e-mail)."""
    if order.status != F.OUT or ticket is None or not ticket.rider_id:
        return ""
    from apps.accounts.models import User

    rider = User.objects.filter(pk=ticket.rider_id).only("full_name").first()
    return rider.full_name.split()[0] if rider and rider.full_name.strip() else ""


def tracking(order: Order) -> dict:
    ticket = ticket_for(order_id=order.pk)
    path = PATHS.get(order.fulfilment, PATHS["pickup"])
    upcoming = [] if order.status in F.ENDED or order.status not in path else list(path[path.index(order.status) + 1:])
    branch = order.branch
    return {
        "id": order.pk, "number": order.number, "status": order.status, "status_label": str(F.LABELS[order.status]),
        "fulfilment": order.fulfilment, "fulfilment_label": str(Order.Fulfilment(order.fulfilment).label),
        "finished": order.status in F.ENDED,
        "branch": {"id": branch.pk, "name": branch.name, "phone": str(branch.phone or ""),
                   "address": branch.address} if branch else None,
        "estimate": _estimate(order, ticket),
        "steps": [{"status": move.to_status, "label": str(F.LABELS.get(move.to_status, move.to_status)),
                   "at": move.created_at.isoformat(),
                   "reason": move.reason if move.to_status in (F.REJECTED, F.CANCELLED) else ""}
                  for move in order.transitions.all()],
        "next_steps": [{"status": step, "label": str(F.LABELS[step])} for step in upcoming],
        "rider": _rider(order, ticket), "can_cancel": flow_for(order).customer_may_cancel(order),
        "payment_status": order.payment_status,
    }


class MyOrderTrackingApi(_MyFoodOrderApi):
    serializer_class = TrackingOutput

    @extend_schema(tags=MY_TAGS, summary="Where my food order is now: its steps, the promised time, the rider",
                   description="`estimate.text` says the promise as a sentence (the kitchen's ready time while "
                               "accepted or cooking, the expected arrival while out for delivery). Poll it, or "
                               "follow the notifications each step sends.",
                   responses={200: TrackingOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Cooking", value=TRACKING_EXAMPLE, response_only=True)])
    def get(self, request, pk):
        return Response(tracking(self.my_order(pk)))


class MyOrderReorderApi(_MyFoodOrderApi):
    serializer_class = ReorderOutput

    @extend_schema(tags=MY_TAGS, summary="Order one of my food orders again",
                   description="A new order at the same branch, pickup or delivery to the same address, with the "
                               "same dishes and options as far as they can be ordered now; `skipped` names each "
                               "one left out and why. Then pay it with /api/v1/orders/{id}/pay/. Refusals: "
                               "`food_nothing_to_reorder` (409, nothing left to order, `details.skipped`), and "
                               "those of any new order: `food_branch_closed`, `food_ordering_paused`, "
                               "`food_below_minimum`, `food_outside_delivery_area`, `food_fulfilment_unavailable`, "
                               "`branch_unavailable`, `out_of_stock`, `idempotency_key_reused`.",
                   request=None, parameters=[IDEMPOTENCY_HEADER],
                   responses={201: ReorderOutput, 200: ReorderOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Placed again", response_only=True, status_codes=["201"], value={
                       "order": {**ORDER_OUTPUT, "id": 57, "number": 1031, "flow": "food", "can_cancel": True,
                                 "transitions": []},
                       "skipped": [{"name": "Truffle pasta", "reason": "item_unavailable",
                                    "message": "“Truffle pasta” is sold out."}]})])
    def post(self, request, pk):
        order = self.my_order(pk)
        key, scope = idempotency(request)
        new, skipped = order_reorder(order=order, customer=self.customer, actor=self.user, idempotency_key=key,
                                     idempotency_scope=scope)
        placed = my_orders(customer=self.customer).get(pk=new.pk)
        return Response({"order": ConsumerOrderOutput(placed).data, "skipped": skipped},
                        status=status.HTTP_200_OK if new.replayed else status.HTTP_201_CREATED)
