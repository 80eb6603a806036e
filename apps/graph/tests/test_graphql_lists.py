"""GraphQL lists filter and order as their REST lists (the same filter backends and
`ordering_fields`, keyset pages in any order), orders carry their payments, staff their
roles, operations are counted by name, and a mutation given another workspace's order id
answers as REST does and changes nothing there."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from prometheus_client import REGISTRY

from apps.graph import monitoring
from apps.orders.tests.conftest import JSON, bibimbap_line, make_consumer, make_menu
from tests.workspace import api, make_branch, make_customer, make_staff

from .test_graphql import MOVE, data, error_codes, gql, rest_post


def pages(client, field: str, query_args: str, node: str, first: int = 2, **variables) -> list[dict]:
    """Every node of a GraphQL list, `first` at a time along the cursors."""
    query = (f"query($first: Int, $after: String) {{ {field}(first: $first, after: $after{query_args}) "
             f"{{ edges {{ node {{ {node} }} }} pageInfo {{ hasNextPage endCursor }} }} }}")
    nodes, after = [], None
    while True:
        page = data(gql(client, query, {"first": first, "after": after, **variables}))[field]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def test_customers_page_in_the_rest_lists_order_with_empty_values_and_ties(owner):
    births = [datetime.date(2015, 3, 1), None, datetime.date(2012, 7, 9), datetime.date(2015, 3, 1), None,
              datetime.date(2019, 1, 20), datetime.date(2012, 7, 9)]
    made = {make_customer("alpha", f"Order test {n}", birth_date=born).pk for n, born in enumerate(births)}
    for ordering, enum in (("birth_date", "BIRTH_DATE"), ("-birth_date", "BIRTH_DATE_DESC"), ("name", "NAME_DESC")):
        rest = owner.get(f"/api/v1/customers/?ordering={ordering}&page_size=200&search=Order test")
        assert rest.status_code == 200, rest.content
        expected = [(row["birth_date"], row["name"]) for row in rest.json()["results"]]
        graph = pages(owner, "customers", f", orderBy: {enum}, search: \"Order test\"", "id name birthDate")
        assert {node["id"] for node in graph} == made  # every one once, across pages of two
        if enum == "NAME_DESC":
            assert [node["name"] for node in graph] == sorted((name for _born, name in expected), reverse=True)
            continue
        assert [node["birthDate"] for node in graph] == [born for born, _name in expected]
    # the REST list's filters, with its refusals
    born = data(gql(owner, '{ customers(bornAfter: "2014-01-01", search: "Order test") { nodes { name } } }'))
    rest = owner.get("/api/v1/customers/?born_after=2014-01-01&search=Order test").json()["results"]
    assert sorted(n["name"] for n in born["customers"]["nodes"]) == sorted(row["name"] for row in rest)
    assert len(rest) == 3
    bad = owner.get("/api/v1/customers/?branch=999999")
    assert bad.status_code == 400
    assert error_codes(gql(owner, "{ customers(branch: 999999) { nodes { id } } }")) == [bad.json()["error"]["code"]]
    # a cursor is good only for the order it was made in
    cursor = data(gql(owner, "{ customers(first: 1, orderBy: NAME) { pageInfo { endCursor } } }"))
    after = cursor["customers"]["pageInfo"]["endCursor"]
    assert error_codes(gql(owner, "query($a: String) { customers(after: $a, orderBy: NAME_DESC) { nodes { id } } }",
                           {"a": after})) == ["invalid_cursor"]


def test_orders_and_items_order_and_filter_as_rest(menu, owner):
    for line in ([bibimbap_line(menu, 3, "large")], [{"item": menu["tea"].pk, "quantity": 1}],
                 [bibimbap_line(menu, 1)], [{"item": menu["tea"].pk, "quantity": 4}]):
        assert rest_post(owner, {"lines": line, "fulfilment": "pickup"}).status_code == 201
    rest = [row["total"] for row in owner.get("/api/v1/orders/?ordering=-total&page_size=200").json()["results"]]
    graph = [node["total"]["value"] for node in pages(owner, "orders", ", orderBy: TOTAL_DESC", "total { value }")]
    assert graph == rest and len(graph) >= 4
    since = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)).isoformat()
    assert data(gql(owner, "query($s: DateTime) { orders(createdAfter: $s) { nodes { id } } }",
                    {"s": since}))["orders"]["nodes"] == []
    with schema_context("alpha"):
        menu["tea"].__class__.objects.filter(pk=menu["tea"].pk).update(is_sold_out=True)
    sold_out = data(gql(owner, "{ items(soldOut: true, orderBy: PRICE) { nodes { id } } }"))["items"]["nodes"]
    rest_sold_out = owner.get("/api/v1/catalog/manage/items/?sold_out=true&ordering=price").json()["results"]
    assert [node["id"] for node in sold_out] == [row["id"] for row in rest_sold_out] == [menu["tea"].pk]
    by_price = pages(owner, "items", ", orderBy: PRICE_DESC", "id price { value }")
    assert [node["price"]["value"] for node in by_price] == sorted((n["price"]["value"] for n in by_price),
                                                                   reverse=True)
    categories = data(gql(owner, "{ categories(orderBy: NAME) { nodes { id name } } }"))["categories"]["nodes"]
    rest_categories = owner.get("/api/v1/catalog/manage/categories/?ordering=name").json()["results"]
    assert [c["id"] for c in categories] == [c["id"] for c in rest_categories]


PAYMENTS = """query($first: Int) { orders(first: $first) { nodes { id paymentStatus
  payments { status statusLabel amount { value formatted } refundedAmount { value } refunds { amount } } } } }"""


def test_orders_carry_their_payments_at_a_fixed_query_count(menu, owner):
    from apps.orders.models import Order
    from apps.payments.tests.helpers import pay

    diner, customer = make_consumer("alpha", "graph.payer@orders.test", "Graph Payer")
    placed = rest_post(diner, {"lines": [bibimbap_line(menu)], "fulfilment": "pickup"})
    assert placed.status_code == 201, placed.content
    with schema_context("alpha"):
        order = Order.objects.get(pk=placed.json()["id"])
    pay(order)

    def count(first):
        with CaptureQueriesContext(connection) as queries:
            body = data(gql(owner, PAYMENTS, {"first": first}))
        return len(queries), body["orders"]["nodes"]

    few, nodes = count(1)
    assert nodes[0]["id"] == order.pk and nodes[0]["paymentStatus"] == "paid"
    rest = owner.get(f"/api/v1/orders/{order.pk}/payments/").json()
    rest = rest["results"] if isinstance(rest, dict) else rest
    assert [(p["status"], p["amount"]["value"]) for p in nodes[0]["payments"]] == [(p["status"], p["amount"])
                                                                                    for p in rest]
    assert nodes[0]["payments"][0]["amount"]["formatted"].startswith("₩")
    for _ in range(3):
        rest_post(owner, {"lines": [bibimbap_line(menu)], "fulfilment": "pickup"})
    many, nodes = count(4)
    assert len(nodes) == 4 and many == few, (few, many)
    # a customer sees their order, not its payment records (as REST: order:view)
    seen = gql(diner, "{ orders { nodes { id payments { status } } } }").json()
    assert [error["extensions"]["code"] for error in seen["errors"]] == ["permission_denied"]
    assert diner.get(f"/api/v1/orders/{order.pk}/payments/").status_code in (403, 404)


def test_staff_with_their_roles_as_in_rest(owner):
    gangnam = make_branch("alpha", "Gangnam S")
    make_staff("alpha", "manager.s@alpha.test", ["manager"], [gangnam])
    make_staff("alpha", "clerk.s@alpha.test", ["clerk"])
    query = ("query($role: String) { staff(role: $role, orderBy: EMAIL) { nodes { email userId "
             "roles { key branches } } } }")

    def count(role=None):
        with CaptureQueriesContext(connection) as queries:
            body = data(gql(owner, query, {"role": role}))
        return len(queries), body["staff"]["nodes"]

    many, everyone = count()
    rest = owner.get("/api/v1/staff/?ordering=email&page_size=200").json()["results"]
    assert [(n["email"], n["userId"], [(r["key"], r["branches"]) for r in n["roles"]]) for n in everyone] == [
        (row["email"], row["user_id"], [(r["key"], r["branches"]) for r in row["roles"]]) for row in rest]
    few, managers = count("manager")
    assert [n["email"] for n in managers] == [row["email"] for row in
                                               owner.get("/api/v1/staff/?role=manager").json()["results"]]
    assert ("manager.s@alpha.test", [gangnam.pk]) in [(n["email"], n["roles"][0]["branches"]) for n in managers]
    assert many == few, (few, many)
    diner, _customer = make_consumer("alpha", "staff.peeker@orders.test", "Peeker")
    assert diner.get("/api/v1/staff/").status_code == 403
    assert error_codes(gql(diner, "{ staff { nodes { email } } }")) == ["permission_denied"]


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_operations_are_counted_by_name_within_the_label_limit(owner, settings, caplog):
    settings.METRICS_GRAPHQL_OPERATION_LABELS = 1
    monitoring.operations.forget()
    try:
        keys = [("FirstOp", "query", "ok"), ("other", "query", "ok"), ("anonymous", "query", "ok"),
                ("invalid", "query", "error"), ("other", "mutation", "ok")]
        before = {key: sample("platform_graphql_operations_total", operation=key[0], type=key[1], outcome=key[2])
                  for key in keys}
        caplog.set_level("INFO", logger="apps.core.requests")
        data(gql(owner, "query FirstOp { branches { id } }"))  # no operationName: the document's one name
        lines = [record for record in caplog.records if getattr(record, "path", "") == "/graphql/"]
        assert getattr(lines[-1], "operation", None) == "FirstOp"
        data(gql(owner, "query SecondOp { branches { id } }"))
        data(gql(owner, "{ branches { id } }"))
        assert error_codes(gql(owner, "query Broken { noSuchField }")) == ["graphql_validation_error"]
        moved = data(gql(owner, MOVE.replace("mutation Move", "mutation MoveIt"), {"id": 999999, "status": "x"}))
        assert moved["changeOrderStatus"]["__typename"] == "OperationError"
        after = {key: sample("platform_graphql_operations_total", operation=key[0], type=key[1], outcome=key[2])
                 for key in keys}
        assert {key: after[key] - before[key] for key in keys} == dict.fromkeys(keys, 1.0)
        assert sample("platform_graphql_operation_seconds_total", operation="FirstOp") > 0
    finally:
        monitoring.operations.forget()


def test_a_mutation_given_another_workspaces_order_id_changes_nothing_there(menu, db):
    from apps.orders.models import Order

    beta_owner, alpha_owner = api("beta", "owner@beta.test"), api("alpha", "owner@alpha.test")
    beta_menu = make_menu("beta")
    placed = rest_post(beta_owner, {"lines": [{"item": beta_menu["tea"].pk, "quantity": 1}], "fulfilment": "pickup",
                                    "branch": make_branch("beta", "Beta M").pk})
    assert placed.status_code == 201, placed.content
    beta_id = placed.json()["id"]
    with schema_context("alpha"):
        assert not Order.objects.filter(pk=beta_id).exists()  # the id means nothing on alpha
    rest = alpha_owner.post(f"/api/v1/orders/{beta_id}/status/", {"status": "cancelled", "reason": "probe"},
                            content_type=JSON)
    moved = data(gql(alpha_owner, MOVE, {"id": beta_id, "status": "cancelled"}))["changeOrderStatus"]
    assert rest.status_code == 404
    assert moved == {"__typename": "OperationError", "code": rest.json()["error"]["code"],
                     "message": rest.json()["error"]["message"], "details": None}
    with schema_context("beta"):
        assert Order.objects.get(pk=beta_id).status == "placed"  # beta's order never moved


def test_graphql_requests_spend_the_same_rate_limit_budget_as_rest(owner, settings):
    """A caller's budget per minute is one, whichever API they call: REST and GraphQL
    requests count together, and the refusal is the REST 429 in our error shape."""
    from django.core.cache import cache

    from tests.plugin import client_for

    cache.delete_pattern("ratelimit:*")
    try:
        settings.RATELIMIT_ANON_PER_MINUTE = 3
        anonymous = client_for("alpha", REMOTE_ADDR="203.0.113.77")
        assert anonymous.get("/api/v1/catalog/items/").status_code == 200
        assert data(gql(anonymous, "{ items { nodes { id } } }"))["items"] is not None
        statuses = [gql(anonymous, "{ categories { nodes { id } } }").status_code,
                    anonymous.get("/api/v1/catalog/items/").status_code]
        assert statuses == [200, 429] or statuses == [429, 429], statuses  # a new minute may start in between
        refused = gql(anonymous, "{ items { nodes { id } } }")
        assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"
        settings.RATELIMIT_USER_PER_MINUTE = 2
        assert data(gql(owner, "{ branches { id } }"))["branches"] is not None
        assert owner.get("/api/v1/branches/").status_code == 200
        assert gql(owner, "{ branches { id } }").status_code == 429
    finally:
        cache.delete_pattern("ratelimit:*")


def test_bad_filter_values_are_refused_as_rest_refuses_them(owner):
    """A filter argument is the REST list's own query parameter: a NUL character, an unknown
    status or id gets the same code and field errors on both APIs, never a server error."""
    cases = [("customers", 'search: "a\\u0000b"', "/api/v1/customers/?search=a%00b"),
             ("orders", 'search: "a\\u0000b"', "/api/v1/orders/?search=a%00b"),
             ("customers", 'tag: "a\\u0000b"', "/api/v1/customers/?tag=a%00b"),
             ("items", 'kind: "spaceship"', "/api/v1/catalog/manage/items/?kind=spaceship"),
             ("staff", 'search: "a\\u0000b"', "/api/v1/staff/?search=a%00b")]
    for field, arguments, path in cases:
        rest = owner.get(path)
        assert rest.status_code == 400, (path, rest.content)
        graph = gql(owner, f"{{ {field}({arguments}) {{ nodes {{ id }} }} }}").json()
        assert graph["data"] is None, graph
        (error,) = graph["errors"]
        assert (error["extensions"]["code"], error["extensions"]["details"]) == (
            rest.json()["error"]["code"], rest.json()["error"]["details"]), (field, arguments)
