"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py).

The two /catalog/ reads are open by design, like the catalog's: a business's visible
reviews (authors' names masked) and its ratings. What must stay closed is writing there,
and every consumer and staff route."""

TENANT_API = {
    "api/v1/my/orders/1/review/": ("post", {"rating": 5, "text": "intruder"}),
    "api/v1/my/reviews/": ("get", None),
    "api/v1/reviews/": ("get", None),
    "api/v1/reviews/1/": ("get", None),
    "api/v1/reviews/1/reply/": ("post", {"text": "intruder"}),
    "api/v1/reviews/1/hide/": ("post", {"reason": "intruder"}),
    "api/v1/reviews/1/unhide/": ("post", None),
    # Open for reading: no item 1 in alpha (404), nothing to write (405).
    "api/v1/catalog/items/1/reviews/": ("get", None),
    "api/v1/catalog/ratings/": ("post", {"items": {}}),
}
PUBLIC_API: dict = {}
