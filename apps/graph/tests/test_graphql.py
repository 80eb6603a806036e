"""GraphQL on a tenant host (`/graphql/`): the same authentication, permissions and scopes as
the REST API (a shared table of cases runs against both), nested reads at a query count
that does not grow with the rows, mutations through the same services with our error codes
in a typed union, the limits, and the SDL file kept current."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.orders.tests.conftest import JSON, bibimbap_line, make_consumer, make_menu
from tests.plugin import client_for
from tests.workspace import api, make_branch, make_staff

ORDERS = """query Orders($first: Int, $after: String, $status: String) {
  orders(first: $first, after: $after, status: $status) {
    edges { cursor node { id number status statusLabel total { value formatted }
      customer { id name } branch { id name }
      lines { itemName quantity options { group name priceDelta } lineTotal { value formatted } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
CREATE = """mutation Create($input: OrderInput!) {
  createOrder(input: $input) {
    __typename
    ... on Order { id number status total { value } lines { itemName quantity } }
    ... on OperationError { code message details }
  }
}"""
MOVE = """mutation Move($id: Int!, $status: String!) {
  changeOrderStatus(id: $id, status: $status) {
    __typename
    ... on Order { id status statusLabel }
    ... on OperationError { code message details }
  }
}"""


def gql(client, query: str, variables: dict | None = None, **extra):
    response = client.post("/graphql/", {"query": query, "variables": variables or {}}, content_type=JSON, **extra)
    return response


def data(response) -> dict:
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def error_codes(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [error["extensions"]["code"] for error in response.json().get("errors", [])]


def rest_post(client, body):
    return client.post("/api/v1/orders/", body, content_type=JSON)


def test_orders_with_lines_at_a_query_count_that_does_not_grow(menu, owner):
    consumer, customer = make_consumer("alpha", "graph.diner@orders.test", "Graph Diner")
    for _ in range(2):
        rest_post(owner, {"lines": [bibimbap_line(menu, 2, "large", "egg"), {"item": menu["tea"].pk, "quantity": 1}],
                          "fulfilment": "pickup", "customer": customer.pk})

    def count(first):
        with CaptureQueriesContext(connection) as queries:
            body = data(gql(owner, ORDERS, {"first": first}))
        return len(queries), body

    few, body = count(2)
    rest_post(owner, {"lines": [bibimbap_line(menu)], "fulfilment": "pickup"})
    for _ in range(6):
        rest_post(owner, {"lines": [bibimbap_line(menu, 1, "regular", "cheese"), {"item": menu["tea"].pk,
                                                                                 "quantity": 2}],
                          "fulfilment": "pickup", "customer": customer.pk})
    many, body = count(9)
    assert many == few, f"{few} queries for 2 orders, {many} for 9"
    connection_ = body["orders"]
    assert len(connection_["edges"]) == 9 and connection_["pageInfo"]["hasNextPage"] is False
    newest = connection_["edges"][0]["node"]
    assert newest["customer"]["name"] == "Graph Diner" and newest["statusLabel"] == "Placed"
    assert [line["itemName"] for line in newest["lines"]] == ["Bibimbap", "Tea"]
    assert newest["lines"][0]["options"][1] == {"group": "Extras", "name": "Cheese", "priceDelta": 1500}
    assert newest["total"]["formatted"].startswith("₩")
    # the cursor pages on, as the REST list's does
    first_page = data(gql(owner, ORDERS, {"first": 4}))["orders"]
    second = data(gql(owner, ORDERS, {"first": 4, "after": first_page["pageInfo"]["endCursor"]}))["orders"]
    assert first_page["pageInfo"]["hasNextPage"] is True
    ids = [edge["node"]["id"] for edge in first_page["edges"] + second["edges"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 8
    assert error_codes(gql(owner, ORDERS, {"after": "not-a-cursor"})) == ["invalid_cursor"]


def test_mutations_call_the_services_and_refuse_with_our_codes(menu, owner):
    placed = data(gql(owner, CREATE, {"input": {"lines": [{"item": menu["bibimbap"].pk, "quantity": 2,
                                                             "options": [menu["large"].pk]}],
                                                "fulfilment": "pickup"}}))["createOrder"]
    assert placed["__typename"] == "Order" and placed["status"] == "placed" and placed["total"]["value"] == 28000
    rest = owner.get(f"/api/v1/orders/{placed['id']}/").json()  # the same order, as REST shows it
    assert rest["number"] == placed["number"] and rest["total"] == 28000

    unknown = data(gql(owner, CREATE, {"input": {"lines": [{"item": 999999}], "fulfilment": "pickup"}}))
    assert unknown["createOrder"]["__typename"] == "OperationError"
    assert unknown["createOrder"]["code"] == "unknown_item"
    invalid = data(gql(owner, CREATE, {"input": {"lines": [], "fulfilment": "teleport"}}))["createOrder"]
    assert invalid["code"] == "validation_error" and {"lines", "fulfilment"} <= set(invalid["details"])

    moved = data(gql(owner, MOVE, {"id": placed["id"], "status": "confirmed"}))["changeOrderStatus"]
    assert moved == {"__typename": "Order", "id": placed["id"], "status": "confirmed", "statusLabel": "Confirmed"}
    illegal = data(gql(owner, MOVE, {"id": placed["id"], "status": "placed"}))["changeOrderStatus"]
    assert illegal["code"] == "order_illegal_transition" and illegal["details"]
    missing = data(gql(owner, MOVE, {"id": 999999, "status": "confirmed"}))["changeOrderStatus"]
    assert missing["code"] == "not_found"


# The scope cases, run against both APIs: who sees which orders, who may place where.
def _scope_world(menu):
    gangnam, mapo = make_branch("alpha", "Gangnam G"), make_branch("alpha", "Mapo G")
    make_staff("alpha", "manager.graph@orders.test", ["manager"], [gangnam])
    owner = api("alpha", "owner@alpha.test")
    diner, customer = make_consumer("alpha", "scope.diner@orders.test", "Scope Diner")
    other, _other_customer = make_consumer("alpha", "other.diner@orders.test", "Other Diner")
    orders = {
        "gangnam": rest_post(owner, {"lines": [bibimbap_line(menu)], "fulfilment": "pickup",
                                     "branch": gangnam.pk}).json()["id"],
        "mapo": rest_post(owner, {"lines": [bibimbap_line(menu)], "fulfilment": "pickup",
                                  "branch": mapo.pk}).json()["id"],
        "diner": rest_post(diner, {"lines": [bibimbap_line(menu)], "fulfilment": "pickup"}).json()["id"],
    }
    callers = {"owner": owner, "manager": api("alpha", "manager.graph@orders.test"), "diner": diner,
               "other_diner": other, "anonymous": client_for("alpha")}
    return callers, orders, {"gangnam": gangnam.pk, "mapo": mapo.pk}


SCOPES = [  # caller, the orders they see (None: refused), whether they may place an order at Mapo
    ("owner", {"gangnam", "mapo", "diner"}, True),
    ("manager", {"gangnam"}, False),
    ("diner", {"diner"}, True),
    ("other_diner", set(), True),
    ("anonymous", None, False),
]


def test_the_same_scopes_through_rest_and_graphql(menu):
    callers, orders, branches = _scope_world(menu)
    names = {pk: name for name, pk in orders.items()}
    for caller, sees, may_place in SCOPES:
        client = callers[caller]
        rest_path = "/api/v1/my/orders/" if caller.endswith("diner") else "/api/v1/orders/"
        rest = client.get(rest_path)
        graph = gql(client, ORDERS, {"first": 50})
        if sees is None:
            assert rest.status_code == 401, caller
            assert error_codes(graph) == ["not_authenticated"], caller
            assert graph.json()["data"] is None
            continue
        rest_seen = {names[row["id"]] for row in rest.json()["results"] if row["id"] in names}
        graph_seen = {names[edge["node"]["id"]] for edge in data(graph)["orders"]["edges"]
                      if edge["node"]["id"] in names}
        assert rest_seen == graph_seen == sees, (caller, rest_seen, graph_seen)
        for name, pk in orders.items():  # one order by id: seen exactly when listed
            one = data(gql(client, "query($id: Int!) { order(id: $id) { id } }", {"id": pk}))["order"]
            assert (one is not None) == (name in sees), (caller, name)
        body = {"lines": [bibimbap_line(menu)], "fulfilment": "pickup", "branch": branches["mapo"]}
        placed = data(gql(client, CREATE, {"input": {**body, "lines": [{"item": menu["bibimbap"].pk, "options": [
            menu["regular"].pk]}]}}))["createOrder"]
        assert (placed["__typename"] == "Order") == may_place, (caller, placed)
        if caller == "manager":
            assert placed["code"] in ("order_branch_out_of_scope", "permission_denied")


def test_another_workspaces_credentials_get_nothing(menu, db):
    beta_owner = api("beta", "owner@beta.test")
    token = beta_owner.defaults["HTTP_AUTHORIZATION"]
    on_alpha = gql(client_for("alpha"), ORDERS, HTTP_AUTHORIZATION=token)
    assert on_alpha.status_code == 401 and on_alpha.json()["error"]["code"] == "token_tenant_mismatch"
    # the shared api. host: X-Tenant must name the token's workspace
    api_host = Client(HTTP_HOST=f"api.{settings.BASE_DOMAIN}")
    mismatch = api_host.post("/api/graphql/", {"query": "{ orders { edges { cursor } } }"}, content_type=JSON,
                             HTTP_AUTHORIZATION=token, HTTP_X_TENANT="alpha")
    assert mismatch.status_code == 401 and mismatch.json()["error"]["code"] == "tenant_header_rejected"
    matched = api_host.post("/api/graphql/", {"query": "{ orders { edges { cursor } } }"}, content_type=JSON,
                            HTTP_AUTHORIZATION=token, HTTP_X_TENANT="beta")
    assert matched.status_code == 200 and "errors" not in matched.json()
    # an id of beta's order asked on alpha: alpha's own answer for that id, exactly as REST gives it
    beta_menu = make_menu("beta")
    beta_branch = make_branch("beta", "Beta G")
    placed = rest_post(beta_owner, {"lines": [{"item": beta_menu["tea"].pk, "quantity": 1}], "fulfilment": "pickup",
                                    "branch": beta_branch.pk})
    assert placed.status_code == 201, placed.content
    beta_order = placed.json()
    alpha_owner = api("alpha", "owner@alpha.test")
    seen = data(gql(alpha_owner, "query($id: Int!) { order(id: $id) { id number } }", {"id": beta_order["id"]}))
    rest = alpha_owner.get(f"/api/v1/orders/{beta_order['id']}/")
    if rest.status_code == 404:
        assert seen["order"] is None
    else:
        assert seen["order"] == {"id": rest.json()["id"], "number": rest.json()["number"]}


def test_limits_and_requests_that_are_not_graphql(owner, settings):
    nested = "{ orders { edges { node { lines { options { name } } } } } }"  # depth 5 (the root field is 0)
    settings.GRAPHQL_MAX_DEPTH = 5
    assert error_codes(gql(owner, nested)) == []
    settings.GRAPHQL_MAX_DEPTH = 4
    too_deep = gql(owner, nested)
    assert error_codes(too_deep) == ["graphql_validation_error"]
    assert "depth" in too_deep.json()["errors"][0]["message"]
    settings.GRAPHQL_MAX_TOKENS = 10
    assert error_codes(gql(owner, nested)) == ["graphql_validation_error"]
    settings.GRAPHQL_MAX_DEPTH, settings.GRAPHQL_MAX_TOKENS = 8, 2000
    aliased = "{ " + " ".join(f"a{n}: branches {{ id }}" for n in range(3)) + " }"
    settings.GRAPHQL_MAX_ALIASES = 3
    assert error_codes(gql(owner, aliased)) == []
    settings.GRAPHQL_MAX_ALIASES = 2
    assert error_codes(gql(owner, aliased)) == ["graphql_validation_error"]
    assert error_codes(gql(owner, "{ orders { edges ")) == ["graphql_validation_error"]
    assert error_codes(gql(owner, "{ nothingHere }")) == ["graphql_validation_error"]
    big = owner.post("/graphql/", {"query": "{ items { edges { cursor } } }" + " " * settings.GRAPHQL_MAX_BYTES},
                     content_type=JSON)
    assert big.status_code == 413 and big.json()["error"]["code"] == "graphql_query_too_large"
    over_get = owner.get("/graphql/", {"query": "mutation { changeOrderStatus(id: 1, status: \"x\") { __typename } }"},
                         HTTP_ACCEPT="application/json")
    assert over_get.status_code in (400, 405) and over_get.json()["error"]["code"] == "graphql_bad_request"
    not_json = owner.post("/graphql/", "not json", content_type=JSON)
    assert not_json.status_code == 400 and not_json.json()["error"]["code"] == "graphql_bad_request"


def test_anonymous_browsing_and_the_korean_reader(menu):
    anonymous = client_for("alpha", HTTP_ACCEPT_LANGUAGE="ko")
    items = data(gql(anonymous, "{ items(first: 10) { edges { node { name price { formatted } "
                                "optionGroups { name options { name } } } } } }"))["items"]["edges"]
    names = [edge["node"]["name"] for edge in items]
    assert "비빔밥" in names  # the Korean name the menu gives
    refused = gql(anonymous, "{ customers { edges { node { name } } } }")
    assert error_codes(refused) == ["not_authenticated"]
    diner, _customer = make_consumer("alpha", "korean.diner@orders.test", "Korean Diner")
    refused = gql(diner, "{ customers { edges { node { name } } } }", HTTP_ACCEPT_LANGUAGE="ko")
    assert error_codes(refused) == ["permission_denied"]
    assert "customer:view" in refused.json()["errors"][0]["message"]  # the REST refusal's words


def test_the_sdl_file_is_current():
    call_command("graphql_schema", "--check")


def test_graphiql_page_and_operation_name_in_the_log(owner, caplog):
    page = owner.get("/graphql/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"graphiql" in page.content.lower()
    caplog.set_level("INFO", logger="apps.core.requests")
    owner.post("/graphql/", json.dumps({"query": "query MyOrders { orders { edges { cursor } } }",
                                        "operationName": "MyOrders"}), content_type=JSON)
    lines = [record for record in caplog.records if getattr(record, "path", "") == "/graphql/"]
    assert lines and getattr(lines[-1], "operation", None) == "MyOrders"


def test_customers_with_guardians_and_branches_as_in_rest(owner):
    from django_tenants.utils import schema_context

    from apps.crm.models import GuardianContact
    from tests.workspace import make_customer

    query = """query($first: Int) { customers(first: $first) { edges { node { id name phone branch { name }
      guardians { name relation phone email } } } } }"""
    gangnam = make_branch("alpha", "Gangnam C")
    child = make_customer("alpha", "Kim Child C", branch=gangnam, phone="010-1234-5678")
    with schema_context("alpha"):
        GuardianContact.objects.create(customer=child, name="Kim Parent", relation="mother", phone="010-9876-5432",
                                       email="parent.c@example.com")

    def count(first):
        with CaptureQueriesContext(connection) as queries:
            body = data(gql(owner, query, {"first": first}))
        return len(queries), body

    few, body = count(1)
    node = body["customers"]["edges"][0]["node"]
    assert node == {"id": child.pk, "name": "Kim Child C", "phone": "+821012345678", "branch": {"name": "Gangnam C"},
                    "guardians": [{"name": "Kim Parent", "relation": "mother", "phone": "+821098765432",
                                   "email": "parent.c@example.com"}]}
    for n in range(4):
        other = make_customer("alpha", f"Child {n} C")
        with schema_context("alpha"):
            GuardianContact.objects.create(customer=other, name=f"Parent {n}", phone="010-1111-2222")
    many, body = count(5)
    assert len(body["customers"]["edges"]) == 5 and many == few, (few, many)

    make_staff("alpha", "branch.reader@orders.test", ["manager"], [gangnam])
    for client in (owner, api("alpha", "branch.reader@orders.test")):
        rest = client.get("/api/v1/branches/")
        graph = gql(client, "{ branches { id name } }")
        if rest.status_code == 403:
            assert error_codes(graph) == ["permission_denied"]
            continue
        rows = rest.json()["results"] if isinstance(rest.json(), dict) else rest.json()
        assert {row["id"] for row in rows} == {row["id"] for row in data(graph)["branches"]}


def test_a_query_that_cannot_run_is_worded_in_the_readers_language(owner, settings):
    """graphql-core's English stays in details.reason; a Korean reader gets Korean, by kind."""
    cases = [
        ("{ nothingHere }", None, "이 API에 없는 필드", "Cannot query field"),
        ("{ orders { edges ", None, "GraphQL 쿼리 형식이 올바르지 않습니다", "Syntax Error"),
        ("query($id: Int!) { order(id: $id) { id } }", {"id": "abc"}, "형식이 맞지 않습니다", "Int cannot represent"),
        ("query($id: Int!) { order(id: $id) { id } }", {}, "필요한 값이 빠져", "to be provided"),
        ("query($id: Int!) { order(id: $id) { id } }", {"id": None}, "필요한 값이 빠져", "not to be None"),
        ("{ order { id } }", None, "필요한 값이 빠져", "was not provided"),
        ('{ order(id: "abc") { id } }', None, "형식이 맞지 않습니다", "Int cannot represent"),
    ]
    for query, variables, korean, english in cases:
        korean_answer = gql(owner, query, variables, HTTP_ACCEPT_LANGUAGE="ko")
        assert error_codes(korean_answer) == ["graphql_validation_error"], (query, korean_answer.content)
        error = korean_answer.json()["errors"][0]
        assert korean in error["message"] and english in error["extensions"]["details"]["reason"], (query, error)
        english_error = gql(owner, query, variables, HTTP_ACCEPT_LANGUAGE="en").json()["errors"][0]
        assert english in english_error["message"] and english_error["extensions"]["details"]["reason"] == \
            english_error["message"]
    settings.GRAPHQL_MAX_DEPTH = 1
    deep = gql(owner, "{ orders { edges { node { id } } } }", HTTP_ACCEPT_LANGUAGE="ko").json()["errors"][0]
    assert "허용하는 깊이" in deep["message"] and "depth" in deep["extensions"]["details"]["reason"]
