"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py).

Route (as generated from the URLconf, converters replaced by 1) -> (method, body kind).
Body kinds: "credentials" (the outsider's email/password), "refresh" (their refresh
token), "token" (their access token), None (no body), or a dict sent as JSON.
"""

TENANT_API = {
    "api/v1/me/": ("get", None),
    "api/v1/auth/token/": ("post", "credentials"),
    "api/v1/auth/token/refresh/": ("post", "refresh"),
    "api/v1/auth/token/verify/": ("post", "token"),
    "api/v1/auth/logout/": ("post", "refresh"),
    "api/v1/auth/switch-role/": ("post", {"role": "owner"}),
    "api/v1/auth/check-permission/": ("get", None),
}
PUBLIC_API: dict = {}
