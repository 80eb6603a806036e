"""Public host: the payment provider's webhook, the invoice pay page (the link in billing
e-mails) and the sandbox provider's checkout page."""

from django.urls import path

from . import apis, sandbox, views

urlpatterns = [
    path("api/v1/platform/webhooks/payments/", apis.PaymentsWebhookApi.as_view(), name="billing-payments-webhook"),
    path("billing/pay/<str:token>/", views.pay_page, name="billing-pay"),
    path("billing/sandbox/checkout/<str:reference>/", sandbox.checkout_page, name="billing-sandbox-checkout"),
]
