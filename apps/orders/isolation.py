"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py)."""

TENANT_API = {
    "api/v1/orders/": ("get", None),
    "api/v1/orders/1/": ("get", None),
    # outsiders get a 401/403 and the order stays as it was
    "api/v1/orders/1/status/": ("post", {"status": "confirmed"}),
    "api/v1/my/orders/": ("get", None),
    "api/v1/my/orders/1/": ("get", None),
}
PUBLIC_API: dict = {}
