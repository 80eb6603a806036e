"""Orders API: place an order (a consumer for themselves, or staff for a customer), staff
list, detail and status moves, and a consumer's own orders under /my/. Thin: parse,
call one service or selector, serialise. Cancelling (with its refund) is apps.payments'."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.consumers.api import ConsumerApi, IsConsumerOrHasWorkspacePermission, request_customer
from apps.core.api import ERROR_RESPONSES
from apps.core.errors import InvalidData
from apps.core.filters import FilterBackend, IsoDateTimeFilter, OrderingFilter
from apps.rbac.api import PermissionMissing, WorkspaceApi

from . import selectors, services
from .errors import OrderBranchOutOfScope, OrderNotFound
from .models import Order
from .serializers import ConsumerOrderOutput, OrderDetailOutput, OrderInput, OrderOutput, StatusInput

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Any unique string (e.g. a UUID) per order you mean to place: sending the same request again with "
                "the same key returns the order made the first time (200) instead of a second one; the same key "
                "with another body is `idempotency_key_reused` (422).")
ORDER_EXAMPLE = {"lines": [{"item": 12, "quantity": 2, "options": [31, 35]}, {"item": 14, "quantity": 1}],
                 "fulfilment": "delivery", "branch": 1, "coupon": "WELCOME10", "notes": "No onions, please.",
                 "delivery": {"address": "12 Teheran-ro, Gangnam-gu, Seoul", "phone": "010-1234-5678",
                              "memo": "Leave it at the door"}}
ORDER_OUTPUT = {
    "id": 41, "number": 1024, "kind": "order", "kind_label": "Order", "flow": "standard", "status": "placed",
    "status_label": "Placed", "payment_status": "unpaid", "payment_status_label": "Unpaid", "fulfilment": "delivery",
    "fulfilment_label": "Delivery", "branch": 1, "branch_name": "Gangnam", "notes": "No onions, please.",
    "delivery": {"address": "12 Teheran-ro, Gangnam-gu, Seoul", "phone": "010-1234-5678",
                 "memo": "Leave it at the door"},
    "scheduled_for": None, "party_size": None, "currency": "KRW", "subtotal": 31000, "discount_total": 3100,
    "fee_total": 3000, "total": 30900, "vat_total": 2809, "paid_amount": 0, "refunded_amount": 0,
    "fees": [{"code": "delivery", "label": "Delivery fee", "amount": 3000}],
    "formatted": {"subtotal": "₩31,000", "discount_total": "₩3,100", "fee_total": "₩3,000", "total": "₩30,900",
                  "vat_total": "₩2,809", "paid_amount": "₩0", "refunded_amount": "₩0"},
    "coupon_code": "WELCOME10",
    "lines": [{"id": 88, "item": 12, "item_name": "Bibimbap", "item_kind": "menu_item",
               "options": [{"id": 31, "group_id": 7, "group": "Size", "name": "Large", "price_delta": 2000},
                           {"id": 35, "group_id": 8, "group": "Extras", "name": "Fried egg", "price_delta": 1000}],
               "unit_price": 12000, "quantity": 2, "discount": 2400, "line_total": 21600,
               "line_total_formatted": "₩21,600", "vat_rate": "10.00"}],
    "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z"}
CREATE_DESCRIPTION = (
    "A consumer (a registered customer of this business) orders for themselves; staff with `order:add` may name "
    "the `customer` (or none, for a walk-in order) and, when their role is limited to branches, must name one of "
    "their branches. Each line names an item, a quantity (1-99) and the chosen option ids. Refusals: "
    "`unknown_item`, `item_unavailable` (inactive, sold out, not offered at the branch), `out_of_stock` (with the "
    "units left), `option_invalid`, `option_unavailable`, `option_choices` (a group's min/max, in `details`), "
    "`coupon_*` (not found, expired, not started, inactive, minimum order, used up, per-customer limit, first order "
    "only), `branch_unavailable`, `validation_error`. Prices are VAT-inclusive integers in the currency's minor "
    "unit; `formatted` has them as people read them. A reservation (`kind: reservation`) needs `scheduled_for`.")


class OrderFilter(filters.FilterSet):
    status = filters.CharFilter(help_text="A status code of the order's flow (placed, confirmed, ...).")
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    search = filters.CharFilter(method="search_filter", help_text="An order number (#1024) or part of the "
                                                                  "customer's name.")

    class Meta:
        model = Order
        fields = ["status", "payment_status", "kind", "fulfilment", "branch", "customer", "created_after",
                  "created_before", "search"]

    def search_filter(self, queryset, name, value):
        value = value.strip().lstrip("#")
        condition = Q(customer__name__icontains=value)
        if value.isdigit() and len(value) < 10:
            condition |= Q(number=int(value))
        return queryset.filter(condition)


def _idempotency(request, key: str) -> tuple[str, str]:
    """(key, scope): the Idempotency-Key (REST: the header), per caller (a person or an API key)."""
    key = (key or "").strip()
    if len(key) > 255 or (key and not key.isprintable()):
        raise InvalidData(details={"Idempotency-Key": [_("Use at most 255 printable characters.")]})
    user = request.user
    scope = f"user:{user.pk}" if getattr(user, "pk", None) else f"apikey:{getattr(request.auth, 'pk', '')}"
    return key, scope


def place_order(request, payload, *, access, actor, idempotency_key: str = "") -> tuple[Order, object]:
    """Place an order for the caller of `request` (the REST API's and GraphQL's one way):
    a customer here orders for themselves; staff with `order:add` name the customer (or
    none) and, when their role is limited to branches, one of their branches. `payload` is
    OrderInput's data. Returns (the order, the consumer's customer or None for staff)."""
    key, scope = _idempotency(request, idempotency_key)
    consumer = None if access.has("orders.add_order") else request_customer(request)
    if consumer is None and not access.has("orders.add_order"):
        raise PermissionMissing("order:add")
    serializer = OrderInput(data=payload, consumer=consumer is not None)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    if consumer is None:
        allowed = access.branch_ids("orders.add_order")
        if allowed is not None and (data.get("branch") is None or data["branch"].pk not in allowed):
            raise OrderBranchOutOfScope(details={"branch": getattr(data.get("branch"), "pk", None)})
    order = services.order_create(
        customer=consumer if consumer is not None else data.get("customer"), lines=data["lines"],
        fulfilment=data["fulfilment"], branch=data.get("branch"), coupon_code=data.get("coupon", ""),
        notes=data.get("notes", ""), delivery=data.get("delivery"), kind=data.get("kind", Order.Kind.ORDER),
        scheduled_for=data.get("scheduled_for"), party_size=data.get("party_size"), actor=actor,
        idempotency_key=key, idempotency_scope=scope)
    return order, consumer


class OrderListApi(WorkspaceApi):
    perms = {"GET": "order:view", "POST": "order:add"}
    permission_classes = [IsAuthenticated, IsConsumerOrHasWorkspacePermission]
    consumer_methods = {"POST"}  # a consumer places their own orders
    serializer_class = OrderOutput
    filter_backends = [FilterBackend, OrderingFilter]
    filterset_class = OrderFilter
    ordering_fields = ["created_at", "number", "total", "id"]

    def get_queryset(self):
        return selectors.order_list(access=self.access)

    @extend_schema(tags=["orders"], summary="List orders (filter by status, payment, kind, branch, dates, customer; "
                                            "search by number or name; scoped to your branches)",
                   responses={200: OrderOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Orders", response_only=True, value=[ORDER_OUTPUT])])
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(OrderOutput(page, many=True).data)

    @extend_schema(tags=["orders"], summary="Place an order or a reservation", request=OrderInput,
                   parameters=[IDEMPOTENCY_HEADER], description=CREATE_DESCRIPTION,
                   responses={201: OrderDetailOutput, 200: OrderDetailOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Two items with options, a coupon, delivered", value=ORDER_EXAMPLE,
                                            request_only=True),
                             OpenApiExample("Placed", response_only=True, status_codes=["201"], value=ORDER_OUTPUT)])
    def post(self, request):
        order, consumer = place_order(request, request.data, access=self.access, actor=self.actor,
                                      idempotency_key=request.headers.get("Idempotency-Key", ""))
        code = status.HTTP_200_OK if order.replayed else status.HTTP_201_CREATED
        if consumer is not None:
            return Response(ConsumerOrderOutput(selectors.my_orders(customer=consumer).get(pk=order.pk)).data,
                            status=code)
        return Response(OrderDetailOutput(selectors.order_with_lines(order_id=order.pk)).data, status=code)


class OrderDetailApi(WorkspaceApi):
    perms = {"GET": "order:view"}
    serializer_class = OrderDetailOutput

    def get_queryset(self):
        return selectors.order_detail_list(access=self.access)

    @extend_schema(tags=["orders"], summary="An order, with its lines and status history",
                   responses={200: OrderDetailOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(OrderDetailOutput(self.get_object()).data)


class OrderStatusApi(WorkspaceApi):
    perms = {"POST": "order:change"}
    serializer_class = StatusInput

    def get_queryset(self):
        return selectors.order_list(access=self.access, perm=self.perm_name())

    @extend_schema(tags=["orders"], summary="Move an order to another status of its flow",
                   description="E.g. `confirmed`, then `completed`. A move its flow does not allow is "
                               "`order_illegal_transition` (409, with the allowed statuses in `details`). "
                               "`cancelled` gives the stock and the coupon back; a paid order is cancelled with "
                               "its refund through the cancel endpoint (`order_paid_needs_refund`).",
                   request=StatusInput, responses={200: OrderDetailOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Confirm", value={"status": "confirmed"}, request_only=True),
                             OpenApiExample("Cancel", value={"status": "cancelled", "reason": "Out of rice today."},
                                            request_only=True)])
    def post(self, request, pk):
        order = self.get_object()
        serializer = StatusInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.order_transition(order=order, to_status=serializer.validated_data["status"], actor=self.actor,
                                  reason=serializer.validated_data["reason"])
        return Response(OrderDetailOutput(selectors.order_detail_list(access=self.access).get(pk=order.pk)).data)


# --- The consumer's own ----------------------------------------------------------------


class MyOrderListApi(ConsumerApi):
    serializer_class = ConsumerOrderOutput
    queryset = Order.objects.none()  # for the schema; requests read selectors.my_orders

    @extend_schema(tags=["my"], summary="My orders, newest first (with payments' refunds and whether I may cancel)",
                   responses={200: ConsumerOrderOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(selectors.my_orders(customer=self.customer, user=self.user))
        return self.get_paginated_response(ConsumerOrderOutput(page, many=True).data)


class MyOrderDetailApi(ConsumerApi):
    serializer_class = ConsumerOrderOutput
    queryset = Order.objects.none()  # for the schema; requests read selectors.my_orders

    @extend_schema(tags=["my"], summary="One of my orders",
                   responses={200: ConsumerOrderOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        order = selectors.my_orders(customer=self.customer, user=self.user).filter(pk=pk).first()
        if order is None:  # someone else's order is as absent as a missing one
            raise OrderNotFound(details={"order": pk})
        return Response(ConsumerOrderOutput(order).data)
