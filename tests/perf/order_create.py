"""Cost of placing an order (apps.orders.services.order_create, the whole durable
transaction: lines checked against the catalog, stock taken, coupon redeemed, number,
directory count, audit): queries and median latency of an order of 5 lines, each with
options, with a coupon, against a 1-line order without options or coupon as the
baseline, in the same run, with stock counted on every item. Where the orders API is
routed, the same two orders through `POST /api/v1/orders/` too.

    .venv/bin/python tests/perf/order_create.py
"""

import json

from _setup import median_ms, perf_database, timed

REPEAT = 60

with perf_database():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from tests.plugin import PASSWORD, create_provisioned

    tenant = create_provisioned(slug="perf-orders", name="Perf Orders", business_type="food",
                                owner_email="owner@perf-orders.test")
    owner = User.objects.get(email="owner@perf-orders.test")
    owner.set_password(PASSWORD)
    owner.save()
    with schema_context(tenant.schema_name):
        from apps.catalog.models import Item, Option, OptionGroup
        from apps.coupons.models import Coupon
        from apps.crm.models import Customer
        from apps.orders.services import order_create

        customer = Customer.objects.create(name="Perf Customer")
        Coupon.objects.create(code="PERF10", name="Perf", kind="percent", percent=10, per_customer_limit=10**6)
        lines = []
        for n in range(5):
            item = Item.objects.create(name=f"Dish {n}", kind="menu_item", price=10000 + n * 1000, stock=10**6)
            size = OptionGroup.objects.create(item=item, name="Size", required=True, min_choices=1, max_choices=1)
            extras = OptionGroup.objects.create(item=item, name="Extras", max_choices=3, position=1)
            chosen = [Option.objects.create(group=size, name="Large", price_delta=2000).pk]
            Option.objects.create(group=size, name="Regular")
            chosen += [Option.objects.create(group=extras, name=f"Extra {k}", price_delta=500, position=k).pk
                       for k in range(3)][:2]
            lines.append({"item": item.pk, "quantity": 2, "options": chosen})
        plain = Item.objects.create(name="Water", kind="menu_item", price=1000, stock=10**6)
        one_line = [{"item": plain.pk, "quantity": 1, "options": []}]

        def five_lines():
            order_create(customer=customer, lines=lines, fulfilment="pickup", coupon_code="PERF10", actor=owner)

        def baseline():
            order_create(customer=customer, lines=one_line, fulfilment="pickup", actor=owner)

        five_lines(), baseline()  # warm up
        counts = {}
        for name, fn in (("five_lines_options_coupon", five_lines), ("one_line_baseline", baseline)):
            with CaptureQueriesContext(connection) as queries:
                fn()
            counts[name] = len(queries)
        samples = {"five_lines_options_coupon": [], "one_line_baseline": []}
        for _ in range(REPEAT):  # interleaved, so that both see the same conditions
            samples["five_lines_options_coupon"] += timed(five_lines, 1)
            samples["one_line_baseline"] += timed(baseline, 1)

    result = {"service": {name: {"queries": counts[name], "median_ms": median_ms(samples[name])}
                          for name in counts}, "repeat": REPEAT}

    connection.set_schema_to_public()
    client = Client(HTTP_HOST="perf-orders.localhost")
    token = client.post("/api/v1/auth/token/", {"email": owner.email, "password": PASSWORD},
                        content_type="application/json").json()["access"]
    api = Client(HTTP_HOST="perf-orders.localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    bodies = {"five_lines_options_coupon": {"lines": lines, "fulfilment": "pickup", "coupon": "PERF10",
                                            "customer": customer.pk},
              "one_line_baseline": {"lines": one_line, "fulfilment": "pickup", "customer": customer.pk}}
    probe = api.post("/api/v1/orders/", bodies["one_line_baseline"], content_type="application/json")
    if probe.status_code == 201:
        http = {}
        for name, body in bodies.items():
            with CaptureQueriesContext(connection) as queries:
                assert api.post("/api/v1/orders/", body, content_type="application/json").status_code == 201
            http[name] = {"queries": len(queries)}
        http_samples = {name: [] for name in bodies}
        for _ in range(REPEAT // 2):
            for name, body in bodies.items():
                http_samples[name] += timed(lambda body=body: api.post("/api/v1/orders/", body,
                                                                       content_type="application/json"), 1)
        for name in bodies:
            http[name]["median_ms"] = median_ms(http_samples[name])
        result["http"] = http
    else:
        result["http"] = f"POST /api/v1/orders/ answered {probe.status_code}: not routed here yet"
    print(json.dumps(result, indent=2))
