"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py)."""

TENANT_API = {
    # an empty body: outsiders get a 400, never a registration
    "api/v1/auth/register/": ("post", None),
    "api/v1/my/profile/": ("get", None),
    "api/v1/my/consents/": ("get", None),
}
PUBLIC_API: dict = {}
