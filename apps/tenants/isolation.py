"""Tenant-isolation cases (tests/test_isolation.py). Sign-up is open by design: an
invalid body gets a 400 without data; the status URL needs an unguessable id."""

PUBLIC_API = {
    "api/v1/platform/signup/": ("post", {"subdomain": "alpha"}),
    "api/v1/platform/tenants/status/1/": ("get", None),
    # The TLS proxy's question: without ?domain= a 400; it tells only whether a host is served.
    "internal/tls/ask": ("get", None),
}
