"""Public host: the payment provider's webhook and the sandbox provider's checkout page."""

from django.urls import path

from . import apis, sandbox

urlpatterns = [
    path("api/v1/platform/webhooks/payments/", apis.PaymentsWebhookApi.as_view(), name="billing-payments-webhook"),
    path("billing/sandbox/checkout/<str:reference>/", sandbox.checkout_page, name="billing-sandbox-checkout"),
]
