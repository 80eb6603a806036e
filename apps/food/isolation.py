"""Tenant-isolation cases for this app's URLs (collected by tests/test_isolation.py).

The isolation suite asks alpha, an academy: there the food endpoints do not exist
(404 after authentication and permissions), so outsiders get 401/403/404 and nothing
of alpha. The open routes (/food/branches/open/, a branch's menu, the delivery quote)
are open for reading by design in a restaurant, like the shop's catalog."""

TENANT_API = {
    "api/v1/food/menu-hours/": ("post", {"name": "Intruder hours", "hours": {"mon": ["07:00-10:00"]}}),
    "api/v1/food/menu-hours/1/": ("patch", {"name": "Renamed"}),
    "api/v1/food/items/1/sold-out/": ("post", {"sold_out": True}),
    "api/v1/food/branches/": ("get", None),
    "api/v1/food/branches/1/ordering/": ("patch", {"min_order_amount": 1}),
    "api/v1/food/branches/1/pause/": ("post", {"note": "Intruder"}),
    "api/v1/food/branches/1/resume/": ("post", None),
    "api/v1/food/board/": ("get", None),
    "api/v1/food/rider/": ("get", None),
    "api/v1/food/orders/1/step/": ("post", {"to": "accepted"}),
    # open for reading in a restaurant; alpha is none (404), and nothing is written here
    "api/v1/food/branches/open/": ("get", None),
    "api/v1/food/branches/1/menu/": ("get", None),
    "api/v1/food/branches/1/delivery-quote/": ("post", {"latitude": "37.5", "longitude": "127.0"}),
    "api/v1/my/orders/1/tracking/": ("get", None),
    "api/v1/my/orders/1/reorder/": ("post", None),
}
PUBLIC_API: dict = {}
