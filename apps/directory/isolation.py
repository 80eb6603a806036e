"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py)."""

TENANT_API = {
    "api/v1/listing/": ("get", None),
}
PUBLIC_API = {
    # Open by design (listed businesses only); nobody may write to it: 405.
    "api/v1/directory/": ("post", None),
    # an unknown or unlisted business: 404
    "api/v1/directory/1/": ("get", None),
}
