"""GraphQL end to end over real HTTP: the real web server (its own process) and a plain HTTP
client, as another team's app would call it: a token from the REST login, a query with
variables and an operation name, a mutation placing an order, a refusal in the union, and
another workspace's token refused."""

from __future__ import annotations

import requests
from django.conf import settings
from django_tenants.utils import schema_context

from tests.plugin import PASSWORD, create_provisioned

SLUG = "gql-live"
OWNER = "owner@gql-live.test"
PLACE = """mutation Place($item: Int!) {
  createOrder(input: {fulfilment: "pickup", lines: [{item: $item, quantity: 2}]}) {
  __typename ... on Order { number status total { value formatted } } ... on OperationError { code message } } }"""
ORDERS = """query Recent($first: Int!) { orders(first: $first) { edges { node { number statusLabel
  lines { itemName quantity } } } pageInfo { hasNextPage } } }"""


def test_a_client_queries_and_places_an_order_over_http(committed, live_server_url):
    from apps.accounts.models import User
    from apps.catalog.models import Item

    tenant = create_provisioned(slug=committed.tenant_slug(SLUG), name="GraphQL Live", business_type="academy",
                                owner_email=committed.email(OWNER))
    owner = User.objects.get(email=OWNER)
    owner.set_password(PASSWORD)
    owner.save()
    with schema_context(tenant.schema_name):
        item = Item.objects.create(name="Workbook", kind=Item.Kind.PRODUCT, price=15000)
    base = live_server_url.format(host="127.0.0.1")
    host = {"Host": f"{SLUG}.{settings.BASE_DOMAIN}"}
    session = requests.Session()
    token = session.post(f"{base}/api/v1/auth/token/", json={"email": OWNER, "password": PASSWORD}, headers=host,
                         timeout=30).json()["access"]
    headers = {**host, "Authorization": f"Bearer {token}"}

    def graphql(query, variables, name):
        response = session.post(f"{base}/graphql/", json={"query": query, "variables": variables,
                                                          "operationName": name}, headers=headers, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    placed = graphql(PLACE, {"item": item.pk}, "Place")["data"]["createOrder"]
    assert placed["__typename"] == "Order" and placed["total"]["value"] == 30000 and placed["status"] == "placed"
    refused = graphql(PLACE, {"item": 999999}, "Place")["data"]["createOrder"]
    assert refused == {"__typename": "OperationError", "code": "unknown_item", "message": refused["message"]}
    listed = graphql(ORDERS, {"first": 5}, "Recent")["data"]["orders"]
    assert [edge["node"]["number"] for edge in listed["edges"]] == [placed["number"]]
    assert listed["edges"][0]["node"]["lines"] == [{"itemName": "Workbook", "quantity": 2}]

    alpha_token = session.post(f"{base}/api/v1/auth/token/", json={"email": "owner@alpha.test",
                                                                   "password": PASSWORD},
                               headers={"Host": f"alpha.{settings.BASE_DOMAIN}"}, timeout=30).json()["access"]
    foreign = session.post(f"{base}/graphql/", json={"query": ORDERS, "variables": {"first": 5}},
                           headers={**host, "Authorization": f"Bearer {alpha_token}"}, timeout=30)
    assert foreign.status_code == 401 and foreign.json()["error"]["code"] == "token_tenant_mismatch"
