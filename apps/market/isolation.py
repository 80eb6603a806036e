"""Tenant-isolation cases (tests/test_isolation.py): tenant users get nothing here."""

PUBLIC_API = {
    "api/v1/platform/tenants/": ("post", {"tenant_id": "x", "tenant_name": "Alpha Academy"}),
    "api/v1/platform/introspect/": ("post", {"token": "x"}),
    "api/v1/platform/webhooks/service-market/": ("post", {"type": "user.deleted", "data": {}}),
}
