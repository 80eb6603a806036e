"""Tenant host: /api/v1/orders/<pk>/pay|payments|refunds|cancel/ and /api/v1/my/orders/<pk>/cancel/."""

from django.urls import path

from . import apis

urlpatterns = [
    path("orders/<int:pk>/pay/", apis.OrderPayApi.as_view(), name="order-pay"),
    path("orders/<int:pk>/payments/", apis.OrderPaymentsApi.as_view(), name="order-payments"),
    path("orders/<int:pk>/refunds/", apis.OrderRefundApi.as_view(), name="order-refunds"),
    path("orders/<int:pk>/cancel/", apis.OrderCancelApi.as_view(), name="order-cancel"),
    path("my/orders/<int:pk>/cancel/", apis.MyOrderCancelApi.as_view(), name="my-order-cancel"),
]
