"""Coupons API: staff manage the workspace's coupons; a consumer keeps coupons in a wallet
(claim by code) under /my/coupons/. Thin: parse, call one service or selector, serialise."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from apps.consumers.api import ConsumerApi
from apps.core.api import ERROR_RESPONSES
from apps.core.filters import FilterBackend, OrderingFilter
from apps.rbac.api import WorkspaceApi

from . import selectors, services
from .models import Coupon, CouponClaim
from .serializers import ClaimInput, CouponInput, CouponOutput, WalletCouponOutput

COUPON_EXAMPLE = {"code": "WELCOME10", "name": "Welcome 10%", "kind": "percent", "percent": 10, "max_discount": 5000,
                  "min_order_amount": 20000, "valid_from": "2026-03-01T00:00:00+09:00",
                  "valid_until": "2026-04-01T00:00:00+09:00", "per_customer_limit": 1, "total_limit": 500,
                  "first_order_only": True, "is_active": True}
COUPON_OUTPUT = {"id": 3, **COUPON_EXAMPLE, "kind_label": "Percentage off", "amount": None, "currency": "KRW",
                 "used_count": 12, "claim_count": 40,
                 "summary": "10% off (at most ₩5,000) · orders from ₩20,000 · first order only",
                 "created_at": "2026-02-20T09:00:00Z", "updated_at": "2026-02-20T09:00:00Z"}
WALLET_OUTPUT = {"code": "WELCOME10", "name": "Welcome 10%",
                 "summary": "10% off (at most ₩5,000) · orders from ₩20,000 · first order only", "kind": "percent",
                 "percent": 10, "amount": None, "max_discount": 5000, "min_order_amount": 20000, "currency": "KRW",
                 "valid_from": "2026-03-01T00:00:00+09:00", "valid_until": "2026-04-01T00:00:00+09:00",
                 "first_order_only": True, "uses_left": 1, "usable": True, "unusable_reason": "",
                 "unusable_label": "", "claimed_at": "2026-03-02T09:00:00Z"}


class CouponFilter(filters.FilterSet):
    class Meta:
        model = Coupon
        fields = ["kind", "is_active", "first_order_only"]


class CouponListApi(WorkspaceApi):
    perms = {"GET": "coupon:view", "POST": "coupon:add"}
    serializer_class = CouponOutput
    filter_backends = [FilterBackend, SearchFilter, OrderingFilter]
    filterset_class = CouponFilter
    search_fields = ["code", "name"]
    ordering_fields = ["created_at", "code", "valid_until", "used_count", "id"]

    def get_queryset(self):
        return selectors.coupon_list()

    @extend_schema(tags=["coupons"], summary="List coupons",
                   responses={200: CouponOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Coupons", response_only=True, value=[COUPON_OUTPUT])])
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CouponOutput(page, many=True).data)

    @extend_schema(tags=["coupons"], summary="Create a coupon", request=CouponInput,
                   description="A percentage off (`percent`, 1-100, optionally capped by `max_discount`) or a fixed "
                               "`amount` off, in the currency's minor unit (won). Optional minimum order, validity "
                               "window, uses per customer and in total, first order only.",
                   responses={201: CouponOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Welcome coupon", value=COUPON_EXAMPLE, request_only=True),
                             OpenApiExample("Created", value=COUPON_OUTPUT, response_only=True, status_codes=["201"])])
    def post(self, request):
        serializer = CouponInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        coupon = services.coupon_create(actor=self.actor, **serializer.validated_data)
        return Response(CouponOutput(selectors.coupon_list().get(pk=coupon.pk)).data, status=status.HTTP_201_CREATED)


class CouponDetailApi(WorkspaceApi):
    perms = {"GET": "coupon:view", "PATCH": "coupon:change", "DELETE": "coupon:delete"}
    serializer_class = CouponOutput

    def get_queryset(self):
        return selectors.coupon_list()

    @extend_schema(tags=["coupons"], summary="A coupon", responses={200: CouponOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(CouponOutput(self.get_object()).data)

    @extend_schema(tags=["coupons"], summary="Change a coupon", request=CouponInput,
                   responses={200: CouponOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Deactivate", value={"is_active": False}, request_only=True)])
    def patch(self, request, pk):
        coupon = self.get_object()
        serializer = CouponInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.coupon_update(coupon=coupon, actor=self.actor, **serializer.validated_data)
        return Response(CouponOutput(self.get_queryset().get(pk=pk)).data)

    @extend_schema(tags=["coupons"], summary="Delete a coupon no order used (`coupon_in_use` otherwise: deactivate it)",
                   responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, pk):
        services.coupon_delete(coupon=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyCouponsApi(ConsumerApi):
    serializer_class = WalletCouponOutput
    queryset = CouponClaim.objects.none()  # for the schema; requests read selectors.my_coupons

    @extend_schema(tags=["my"], summary="My coupons: those I claimed, with whether each can be used now",
                   responses={200: WalletCouponOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Wallet", response_only=True, value=[WALLET_OUTPUT])])
    def get(self, request):
        page = self.paginate_queryset(selectors.my_coupons(customer=self.customer))
        return self.get_paginated_response(WalletCouponOutput(page, many=True).data)

    @extend_schema(tags=["my"], summary="Claim a coupon by its code", request=ClaimInput,
                   description="Puts the coupon in your wallet. Unknown codes are `coupon_not_found`, inactive or "
                               "expired ones `coupon_inactive` / `coupon_expired`, a second claim "
                               "`coupon_already_claimed` (409).",
                   responses={201: WalletCouponOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Claim", value={"code": "welcome10"}, request_only=True),
                             OpenApiExample("Claimed", value=WALLET_OUTPUT, response_only=True, status_codes=["201"])])
    def post(self, request):
        serializer = ClaimInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = services.coupon_claim(code=serializer.validated_data["code"], customer=self.customer,
                                      actor=request.user)
        wallet = selectors.my_coupons(customer=self.customer).get(pk=claim.pk)
        return Response(WalletCouponOutput(wallet).data, status=status.HTTP_201_CREATED)
