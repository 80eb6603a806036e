"""Isolation cases (tests/test_isolation.py) for the payments URLs."""

TENANT_API = {
    "api/v1/orders/1/pay/": ("post", None),
    "api/v1/orders/1/payments/": ("get", None),
    "api/v1/orders/1/refunds/": ("post", {"amount": 1000, "reason": "isolation"}),
    "api/v1/orders/1/cancel/": ("post", {"reason": "isolation"}),
    "api/v1/my/orders/1/cancel/": ("post", {}),
}
PUBLIC_API = {
    "api/v1/platform/webhooks/merchant-payments/": (
        "post", {"type": "Transaction.Paid", "data": {"merchant": "alpha", "payment_id": "x", "amount": 1}}),
    "payments/sandbox/checkout/1/": ("get", None),
}
