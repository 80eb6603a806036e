"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py).

The customers' routes (/catalog/categories/, /catalog/items/, images) are open for
reading by design: anyone may browse a shop's active items. What must stay closed is
writing, and every staff route under /catalog/manage/."""

TENANT_API = {
    "api/v1/catalog/manage/categories/": ("post", {"name": "Intruder category"}),
    "api/v1/catalog/manage/categories/1/": ("patch", {"name": "Renamed"}),
    "api/v1/catalog/manage/items/": ("get", None),
    "api/v1/catalog/manage/items/1/": ("patch", {"name": "Renamed", "price": 1}),
    "api/v1/catalog/manage/items/1/sold-out/": ("post", {"sold_out": True}),
    "api/v1/catalog/manage/items/1/images/": ("post", None),
    "api/v1/catalog/manage/items/1/images/1/": ("delete", None),
    # Open for reading: nothing to write here (405), and no item 1 in alpha (404).
    "api/v1/catalog/categories/": ("post", {"name": "Intruder category"}),
    "api/v1/catalog/items/": ("post", {"name": "Intruder item", "price": 1}),
    "api/v1/catalog/items/1/": ("get", None),
    "api/v1/catalog/images/1/": ("get", None),
}
PUBLIC_API: dict = {}
