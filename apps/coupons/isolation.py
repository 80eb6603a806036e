"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py)."""

TENANT_API = {
    "api/v1/coupons/": ("get", None),
    "api/v1/coupons/1/": ("get", None),
    "api/v1/my/coupons/": ("get", None),
}
PUBLIC_API: dict = {}
