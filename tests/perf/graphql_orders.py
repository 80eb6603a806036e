"""A nested GraphQL query against the REST calls that give the same data: 50 orders with
their lines (item, options, totals), customer and branch. GraphQL: one request,
`orders(first: 50) { edges { node { ... lines { ... options { ... } } } } }`. REST: the
list `GET /api/v1/orders/?page_size=50` (it embeds the lines too). Queries and median
latency of each, in the same run, alternating (test client in process, DEBUG off).

    .venv/bin/python tests/perf/graphql_orders.py
"""

import json

from _setup import median_ms, perf_database, timed

REPEAT = 30
ORDERS = 50
QUERY = """{ orders(first: 50) { edges { node { id number status statusLabel total { value formatted }
  customer { id name } branch { id name }
  lines { itemName quantity unitPrice options { group name priceDelta } lineTotal { value formatted } } } }
  pageInfo { hasNextPage endCursor } } }"""

with perf_database():
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from tests.plugin import PASSWORD, create_provisioned

    tenant = create_provisioned(slug="perf-graphql", name="Perf GraphQL", business_type="food",
                                owner_email="owner@perf-graphql.test")
    owner = User.objects.get(email="owner@perf-graphql.test")
    owner.set_password(PASSWORD)
    owner.save()
    with schema_context(tenant.schema_name):
        from apps.branches.models import Branch
        from apps.catalog.models import Item, Option, OptionGroup
        from apps.crm.models import Customer
        from apps.orders.services import order_create

        branch = Branch.objects.create(name="Perf branch")
        customer = Customer.objects.create(name="Perf Customer")
        lines = []
        for n in range(3):
            item = Item.objects.create(name=f"Dish {n}", kind="menu_item", price=10000 + n * 1000, stock=10**6)
            size = OptionGroup.objects.create(item=item, name="Size", required=True, min_choices=1, max_choices=1)
            lines.append({"item": item.pk, "quantity": 2,
                          "options": [Option.objects.create(group=size, name="Large", price_delta=2000).pk]})
        for _ in range(ORDERS):
            order_create(customer=customer, lines=lines, fulfilment="pickup", branch=branch, actor=owner)

    connection.set_schema_to_public()
    host = "perf-graphql.localhost"
    token = Client(HTTP_HOST=host).post("/api/v1/auth/token/", {"email": owner.email, "password": PASSWORD},
                                        content_type="application/json").json()["access"]
    api = Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}")

    def graphql():
        response = api.post("/graphql/", {"query": QUERY}, content_type="application/json")
        assert response.status_code == 200 and "errors" not in response.json(), response.content[:300]
        assert len(response.json()["data"]["orders"]["edges"]) == ORDERS

    def rest():
        response = api.get("/api/v1/orders/", {"page_size": ORDERS})
        assert response.status_code == 200 and len(response.json()["results"]) == ORDERS

    graphql(), rest()  # warm up
    result = {"orders": ORDERS, "lines_per_order": len(lines), "repeat": REPEAT}
    for name, fn in (("graphql_nested_query", graphql), ("rest_list", rest)):
        with CaptureQueriesContext(connection) as queries:
            fn()
        result[name] = {"queries": len(queries)}
    samples = {"graphql_nested_query": [], "rest_list": []}
    for _ in range(REPEAT):
        samples["graphql_nested_query"] += timed(graphql, 1)
        samples["rest_list"] += timed(rest, 1)
    for name, values in samples.items():
        result[name]["median_ms"] = median_ms(values)
    result["ratio_graphql_to_rest"] = round(result["graphql_nested_query"]["median_ms"]
                                            / result["rest_list"]["median_ms"], 2)
    print(json.dumps(result, indent=2))
