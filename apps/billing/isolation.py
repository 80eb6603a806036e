TENANT_API = {
    "api/v1/billing/subscription/": ("get", None),
    "api/v1/billing/invoices/": ("get", None),
    "api/v1/billing/addons/": ("get", None),
    "api/v1/billing/addon-requests/": ("post", {"addon": "extra-staff", "quantity": 1}),
    "api/v1/billing/checkout/": ("post", None),
    "api/v1/billing/plan/": ("post", {"plan": "basic"}),
    "api/v1/billing/promo/": ("post", {"code": "WELCOME"}),
}
PUBLIC_API = {
    "api/v1/platform/webhooks/payments/": ("post", {"type": "payment.succeeded", "data": {"reference": "x"}}),
    "billing/pay/1/": ("get", None),
    "billing/sandbox/checkout/1/": ("get", None),
}
