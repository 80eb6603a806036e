"""Tenant host: /api/v1/billing/..."""

from django.urls import path

from . import apis

urlpatterns = [
    path("billing/subscription/", apis.SubscriptionApi.as_view(), name="billing-subscription"),
    path("billing/invoices/", apis.InvoiceListApi.as_view(), name="billing-invoices"),
    path("billing/addons/", apis.AddOnListApi.as_view(), name="billing-addons"),
    path("billing/addon-requests/", apis.AddOnRequestApi.as_view(), name="billing-addon-requests"),
    path("billing/checkout/", apis.CheckoutApi.as_view(), name="billing-checkout"),
    path("billing/plan/", apis.PlanChangeApi.as_view(), name="billing-plan"),
    path("billing/promo/", apis.PromoApi.as_view(), name="billing-promo"),
]
