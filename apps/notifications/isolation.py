"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py)."""

TENANT_API = {
    "api/v1/my/notifications/": ("get", None),
    "api/v1/my/notifications/read-all/": ("post", None),
    "api/v1/my/notifications/1/read/": ("post", None),
    "api/v1/my/notification-preferences/": ("get", None),
}
PUBLIC_API: dict = {}
