"""Payments on a workspace's host: paying an order (its consumer, or staff at the desk),
refunds and the order's payments (staff), cancelling with an automatic refund (the
consumer their own order, staff any order they reach); and, on the public host, the
merchant payment provider's webhook."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.consumers.api import ConsumerApi, IsConsumer, IsConsumerOrHasWorkspacePermission, request_customer
from apps.core.api import ERROR_RESPONSES
from apps.inbound.apis import InboundWebhookApi, webhook_examples
from apps.orders.errors import OrderNotFound
from apps.orders.selectors import my_orders, order_list
from apps.rbac.api import WorkspaceApi

from . import selectors, serializers, services
from .errors import IdempotencyKeyMissing
from .models import Payment
from .providers import WEBHOOK_SOURCE

TAGS = ["payments"]
CHECKOUT = {"payment": 31, "reference": "ord_sbx_5f0c3b1e9d2a4c7b8e6f1a2d", "amount": 23000, "currency": "KRW",
            "checkout_url": "https://example.com/payments/sandbox/checkout/ord_sbx_5f0c3b1e9d2a4c7b8e6f1a2d/"}
REFUND = {"id": 7, "payment": "ord_sbx_5f0c3b1e9d2a4c7b8e6f1a2d", "amount": 5000, "currency": "KRW",
          "reason": "One dish was missing", "status": "succeeded", "status_label": "Refunded",
          "provider_refund_id": "rf_sbx_0a1b2c3d4e5f60718293a4b5", "failure_reason": "",
          "created_at": "2026-03-02T12:30:00Z", "completed_at": "2026-03-02T12:30:01Z"}
POSITION = {"id": 12, "number": 1042, "status": "confirmed", "status_label": "Confirmed",
            "payment_status": "partially_refunded", "total": 23000, "paid_amount": 23000, "refunded_amount": 5000,
            "currency": "KRW"}
CANCELLED = {**POSITION, "status": "cancelled", "status_label": "Cancelled", "payment_status": "refunded",
             "refunded_amount": 23000}
IDEMPOTENCY = OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True,
                               description="A unique key per refund (e.g. a UUID). The same key and amount return "
                                           "the same refund (200); the same key with another amount is "
                                           "`refund_key_reused` (422).")


def _parse(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class _OrderApi(WorkspaceApi):
    """Staff endpoints about one order, found in the caller's reach for the method's permission."""

    def order(self, pk: int):
        order = order_list(access=self.access, perm=self.perm_name()).filter(pk=pk).first()
        if order is None:
            raise OrderNotFound(details={"order": pk})
        return order


class OrderPayApi(_OrderApi):
    perms = {"POST": "order:change"}
    permission_classes = [IsAuthenticated, IsConsumerOrHasWorkspacePermission]
    consumer_methods = {"POST"}  # the order's consumer pays it

    def order(self, pk: int):
        if self.access.has(self.perm_name()):
            return super().order(pk)
        order = my_orders(customer=request_customer(self.request), user=self.request.user).filter(pk=pk).first()
        if order is None:
            raise OrderNotFound(details={"order": pk})
        return order

    @extend_schema(tags=TAGS, request=None, responses={201: serializers.OrderCheckoutOutput, **ERROR_RESPONSES},
                   summary="Pay an order: the provider's checkout page for what is still due",
                   description="For the order's customer (their own orders only) or staff with `order:change`. "
                               "Reuses the open checkout while the amount due is the same. A signed webhook from "
                               "the provider then marks the order paid. Refused: `order_not_payable` (cancelled), "
                               "`order_already_paid`, `order_nothing_to_pay` (a total of 0), `provider_error` / "
                               "`provider_unavailable` (502/503).",
                   examples=[OpenApiExample("Checkout", value=CHECKOUT, response_only=True, status_codes=["201"])])
    def post(self, request, pk):
        payment, url = services.payment_start(order=self.order(pk), actor=self.actor)
        return Response(serializers.OrderCheckoutOutput({"payment": payment, "checkout_url": url}).data,
                        status=status.HTTP_201_CREATED)


class OrderPaymentsApi(_OrderApi):
    perms = {"GET": "order:view"}
    serializer_class = serializers.PaymentOutput
    queryset = Payment.objects.none()  # for the schema: the view lists one order's payments

    @extend_schema(tags=TAGS, responses={200: serializers.PaymentOutput(many=True), **ERROR_RESPONSES},
                   summary="An order's payments and their refunds, newest first")
    def get(self, request, pk):
        payments = selectors.order_payments(order=self.order(pk))
        return Response(serializers.PaymentOutput(payments, many=True).data)


class OrderRefundApi(_OrderApi):
    perms = {"POST": "order:refund"}
    serializer_class = serializers.RefundRequestOutput

    @extend_schema(tags=TAGS, request=serializers.RefundInput, parameters=[IDEMPOTENCY],
                   responses={201: serializers.RefundRequestOutput, 200: serializers.RefundRequestOutput,
                              **ERROR_RESPONSES},
                   summary="Refund all or part of what was paid for an order",
                   description="The amount is taken from the order's payments, oldest first, and refunded at the "
                               "provider at once. Never more than what can still be refunded, even under "
                               "concurrent requests (`refund_exceeds_captured`, 422, `details.refundable`). Nothing "
                               "paid: `order_not_paid` (409). The provider refusing: `provider_error` (502), the "
                               "order and its payments unchanged.",
                   examples=[OpenApiExample("Partial refund", request_only=True,
                                            value={"amount": 5000, "reason": "One dish was missing"}),
                             OpenApiExample("Refunded", response_only=True, status_codes=["201"], value={
                                 "amount": 5000, "currency": "KRW", "refunds": [REFUND], "order": POSITION})])
    def post(self, request, pk):
        order = self.order(pk)  # another workspace's or an unknown order: 404 before any input check
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > 255:
            raise IdempotencyKeyMissing(details={"header": "Idempotency-Key"})
        data = _parse(serializers.RefundInput, request)
        outcome = services.refund_create(order=order, amount=data["amount"], reason=data["reason"],
                                         idempotency_key=key, actor=self.actor)
        return Response(serializers.RefundRequestOutput(outcome).data,
                        status=status.HTTP_200_OK if outcome.replayed else status.HTTP_201_CREATED)


class OrderCancelApi(_OrderApi):
    perms = {"POST": "order:change"}
    serializer_class = serializers.OrderPositionOutput

    @extend_schema(tags=TAGS, request=serializers.StaffCancelInput,
                   responses={200: serializers.OrderPositionOutput, **ERROR_RESPONSES},
                   summary="Cancel an order and refund everything paid for it",
                   description="The refund goes first: if the provider refuses it (`provider_error`) the order "
                               "stays as it was. An order its flow no longer lets cancel is "
                               "`order_not_cancellable` (409).",
                   examples=[OpenApiExample("Cancel", request_only=True, value={"reason": "Out of an ingredient"}),
                             OpenApiExample("Cancelled", response_only=True, value=CANCELLED)])
    def post(self, request, pk):
        order = self.order(pk)  # another workspace's or an unknown order: 404 before any input check
        data = _parse(serializers.StaffCancelInput, request)
        order = services.order_cancel_with_refund(order=order, actor=self.actor, reason=data["reason"],
                                                  by_customer=False)
        return Response(serializers.OrderPositionOutput(order).data)


class MyOrderCancelApi(ConsumerApi):
    serializer_class = serializers.OrderPositionOutput
    permission_classes = [IsAuthenticated, IsConsumer]

    @extend_schema(tags=TAGS, request=serializers.ConsumerCancelInput,
                   responses={200: serializers.OrderPositionOutput, **ERROR_RESPONSES},
                   summary="Cancel one of my orders (what I paid is refunded)",
                   description="While the business has not started on it (the order's flow decides: "
                               "`order_not_cancellable`, 409, otherwise). What was paid is refunded first; if the "
                               "provider refuses, the order stays as it was (`provider_error`).",
                   examples=[OpenApiExample("Cancelled", response_only=True, value=CANCELLED)])
    def post(self, request, pk):
        data = _parse(serializers.ConsumerCancelInput, request)
        order = my_orders(customer=self.customer, user=self.user).filter(pk=pk).first()
        if order is None:
            raise OrderNotFound(details={"order": pk})
        order = services.order_cancel_with_refund(order=order, actor=self.user, reason=data["reason"],
                                                  by_customer=True)
        return Response(serializers.OrderPositionOutput(order).data)


@extend_schema_view(post=extend_schema(summary="Order payment provider webhook", examples=webhook_examples({
    "Transaction.Paid": {"merchant": "bistro", "payment_id": "ord_sbx_5f0c3b1e9d2a4c7b8e6f1a2d", "amount": 23000,
                         "currency": "KRW", "method": "card"},
    "Transaction.Failed": {"merchant": "bistro", "payment_id": "ord_sbx_5f0c3b1e9d2a4c7b8e6f1a2d", "amount": 23000,
                           "currency": "KRW", "method": "card", "failure_reason": "card_declined"}})))
class MerchantPaymentsWebhookApi(InboundWebhookApi):
    source = WEBHOOK_SOURCE
    secret_setting = "PAYMENTS_WEBHOOK_SECRET"
