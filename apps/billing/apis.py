"""Billing API for the workspace owner (tenant host) and the payment provider's
webhook (public host)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES
from apps.inbound.apis import InboundWebhookApi, webhook_examples

from . import selectors, serializers
from .addons import addon_request_create
from .errors import NoSubscription
from .payments import subscription_checkout
from .promos import subscription_apply_promo
from .subscriptions import subscription_owner_change_plan


class IsWorkspaceOwner(BasePermission):
    message = _("Only the workspace owner can see or change billing.")
    code = "owner_only"

    def has_permission(self, request, view):
        """Never met by an API key or in a workspace without an owner: neither has an id to
        match (None == None would let an API key read the billing of an ownerless workspace)."""
        tenant = getattr(request, "tenant", None)
        user_id = getattr(request.user, "pk", None)
        return (tenant is not None and request.user.is_authenticated and user_id is not None
                and tenant.owner_id == user_id)


class _OwnerApi(APIView):
    permission_classes = [IsAuthenticated, IsWorkspaceOwner]


class SubscriptionApi(_OwnerApi):
    @extend_schema(tags=["billing"], responses={200: serializers.SubscriptionOutput, **ERROR_RESPONSES},
                   summary="The workspace's subscription, limits and API usage this month")
    def get(self, request):
        subscription = selectors.subscription_for(tenant=request.tenant)
        if subscription is None:
            raise NoSubscription()
        return Response(serializers.SubscriptionOutput(subscription).data)


class InvoiceListApi(_OwnerApi):
    @extend_schema(tags=["billing"], responses={200: serializers.InvoiceOutput(many=True), **ERROR_RESPONSES},
                   summary="The workspace's invoices, newest first")
    def get(self, request):
        return Response(serializers.InvoiceOutput(selectors.invoice_list(tenant=request.tenant), many=True).data)


class AddOnListApi(_OwnerApi):
    @extend_schema(tags=["billing"], responses={200: serializers.AddOnOutput(many=True), **ERROR_RESPONSES},
                   summary="Add-ons the workspace can request")
    def get(self, request):
        return Response(serializers.AddOnOutput(selectors.addon_list(), many=True).data)


class AddOnRequestApi(_OwnerApi):
    @extend_schema(tags=["billing"], responses={200: serializers.AddOnRequestOutput(many=True), **ERROR_RESPONSES},
                   summary="The workspace's add-on requests")
    def get(self, request):
        requests = selectors.addon_request_list(tenant=request.tenant)
        return Response(serializers.AddOnRequestOutput(requests, many=True).data)

    @extend_schema(tags=["billing"], request=serializers.AddOnRequestInput,
                   responses={201: serializers.AddOnRequestOutput, **ERROR_RESPONSES},
                   summary="Ask HQ for an add-on (approval adds it to the subscription)",
                   examples=[OpenApiExample("Two more branches", request_only=True,
                                            value={"addon": "extra-branches", "quantity": 2, "note": "New site"})])
    def post(self, request):
        data = serializers.AddOnRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        created = addon_request_create(tenant=request.tenant, user=request.user, **data.validated_data)
        return Response(serializers.AddOnRequestOutput(created).data, status=status.HTTP_201_CREATED)


class CheckoutApi(_OwnerApi):
    @extend_schema(tags=["billing"], request=None, responses={201: serializers.CheckoutOutput, **ERROR_RESPONSES},
                   summary="Pay the oldest open invoice: returns the provider's checkout page")
    def post(self, request):
        payment, url = subscription_checkout(tenant=request.tenant, actor=request.user)
        body = {"invoice": payment.invoice.number, "amount": payment.amount, "currency": payment.currency,
                "payment": payment.reference, "checkout_url": url}
        return Response(serializers.CheckoutOutput(body).data, status=status.HTTP_201_CREATED)


class PlanChangeApi(_OwnerApi):
    @extend_schema(tags=["billing"], request=serializers.PlanChangeInput,
                   responses={200: serializers.PlanChangeOutput, **ERROR_RESPONSES},
                   summary="Move to another self-service plan now (prorated)",
                   description="An upgrade mid-period returns the prorated invoice (charged to the saved payment "
                               "method); a downgrade leaves a credit for the next invoice (`invoice` is null).",
                   examples=[OpenApiExample("Upgrade", request_only=True, value={"plan": "pro"})])
    def post(self, request):
        data = serializers.PlanChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        invoice = subscription_owner_change_plan(tenant=request.tenant, plan_code=data.validated_data["plan"],
                                                 actor=request.user)
        return Response(serializers.PlanChangeOutput({"plan": data.validated_data["plan"], "invoice": invoice}).data)


class PromoApi(_OwnerApi):
    @extend_schema(tags=["billing"], request=serializers.PromoInput,
                   responses={200: serializers.SubscriptionOutput, **ERROR_RESPONSES},
                   summary="Redeem a promo code on the subscription",
                   examples=[OpenApiExample("Promo", request_only=True, value={"code": "WELCOME50"})])
    def post(self, request):
        data = serializers.PromoInput(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = selectors.subscription_for(tenant=request.tenant)
        if subscription is None:
            raise NoSubscription()
        subscription_apply_promo(subscription=subscription, code=data.validated_data["code"], actor=request.user)
        return Response(serializers.SubscriptionOutput(selectors.subscription_for(tenant=request.tenant)).data)


@extend_schema_view(post=extend_schema(summary="Payment provider webhook", examples=webhook_examples({
    "payment.succeeded": {"reference": "pay_01HV7Q", "payment_method": "card"},
    "payment.failed": {"reference": "pay_01HV7Q", "failure_reason": "card_declined"}})))
class PaymentsWebhookApi(InboundWebhookApi):
    source = "payments"
    secret_setting = "BILLING_WEBHOOK_SECRET"
