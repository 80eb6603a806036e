"""Public host: the merchant payment provider's webhook and the sandbox provider's hosted checkout."""

from django.urls import path

from . import apis, views

urlpatterns = [
    path("api/v1/platform/webhooks/merchant-payments/", apis.MerchantPaymentsWebhookApi.as_view(),
         name="payments-merchant-webhook"),
    path("payments/sandbox/checkout/<str:reference>/", views.sandbox_checkout_page, name="payments-sandbox-checkout"),
]
