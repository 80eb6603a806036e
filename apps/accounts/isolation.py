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
    "api/v1/auth/userinfo/": ("get", None),
    "api/v1/auth/introspect/": ("post", "token"),  # beta's key is unknown here, beta's token inactive
    "api/v1/auth/sessions/": ("get", None),
    "api/v1/auth/sessions/end-others/": ("post", None),
    "api/v1/auth/sessions/1/": ("delete", None),
    # a provider token nobody issued: refused, never a membership
    "api/v1/auth/social/1/": ("post", {"access_token": "not-a-provider-token"}),
}
PUBLIC_API: dict = {}
