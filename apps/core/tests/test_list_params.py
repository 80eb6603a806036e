"""A list's query parameters that cannot be honoured are refused, not ignored: an unknown
`ordering` term and a `page_size` that is not a whole number of at least 1 are 400s naming
the parameter (DRF fell back to the default order or size without a word); GraphQL's
`first` may not be negative and `first: 0` gives no rows. A tag filters whatever its case."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.crm.models import Customer, Tag
from apps.graph.tests.test_graphql import gql
from tests.workspace import api


@pytest.fixture
def owner(db):
    with schema_context("alpha"):
        Customer.objects.all().delete()
        tag = Tag.objects.create(name="English")
        for name in ("Kim", "Lee", "Park"):
            Customer.objects.create(name=name)
        Customer.objects.get(name="Lee").tags.add(tag)
    connection.set_schema_to_public()
    return api("alpha", "owner@alpha.test")


def field_errors(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:500]
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    return body["details"]


@pytest.mark.parametrize("ordering", ["nonsense", "name,bogus", "-", "phone"])
def test_an_ordering_the_list_does_not_offer_is_refused_with_the_ones_it_does(owner, ordering):
    errors = field_errors(owner.get("/api/v1/customers/", {"ordering": ordering}))
    assert list(errors) == ["ordering"]
    assert "name, -name, created_at, -created_at, birth_date, -birth_date, id, -id" in errors["ordering"][0]
    korean = field_errors(owner.get("/api/v1/customers/", {"ordering": ordering}, HTTP_ACCEPT_LANGUAGE="ko"))
    assert "정렬할 수 없습니다" in korean["ordering"][0]


def test_offered_orderings_still_sort(owner):
    for ordering, expected in (("-name", ["Park", "Lee", "Kim"]), ("name,-id", ["Kim", "Lee", "Park"]),
                               ("", ["Park", "Lee", "Kim"])):  # empty: the list's default (newest first)
        response = owner.get("/api/v1/customers/", {"ordering": ordering})
        assert response.status_code == 200, response.content[:300]
        assert [row["name"] for row in response.json()["results"]] == expected, ordering


@pytest.mark.parametrize("path", ["/api/v1/customers/", "/api/v1/orders/", "/api/v1/catalog/items/"])
@pytest.mark.parametrize("size", ["0", "-1", "abc", "1.5", ""])
def test_a_page_size_that_is_not_a_whole_number_of_at_least_one_is_refused(owner, path, size):
    errors = field_errors(owner.get(path, {"page_size": size}, HTTP_ACCEPT_LANGUAGE="ko"))
    assert errors == {"page_size": ["1 이상의 정수를 입력하세요."]}


def test_a_page_size_within_bounds_is_used_and_a_large_one_capped(owner):
    assert len(owner.get("/api/v1/customers/", {"page_size": "2"}).json()["results"]) == 2
    assert len(owner.get("/api/v1/customers/", {"page_size": "100000"}).json()["results"]) == 3


def test_a_tag_filters_whatever_its_case(owner):
    for tag in ("English", "english", "ENGLISH"):
        rows = owner.get("/api/v1/customers/", {"tag": tag}).json()["results"]
        assert [row["name"] for row in rows] == ["Lee"], tag
    assert owner.get("/api/v1/customers/", {"tag": "eng"}).json()["results"] == []


def test_graphql_first_zero_gives_no_rows_and_a_negative_one_is_refused(owner):
    query = "query ($first: Int) { customers(first: $first) { edges { node { id } } pageInfo { hasNextPage } } }"
    empty = gql(owner, query, {"first": 0}).json()
    assert empty["data"]["customers"] == {"edges": [], "pageInfo": {"hasNextPage": True}}
    two = gql(owner, query, {"first": 2}).json()["data"]["customers"]
    assert len(two["edges"]) == 2 and two["pageInfo"]["hasNextPage"] is True
    refused = gql(owner, query, {"first": -1}, HTTP_ACCEPT_LANGUAGE="ko").json()
    assert refused["errors"][0]["extensions"]["code"] == "validation_error"
    assert refused["errors"][0]["extensions"]["details"] == {"first": ["0 이상의 정수를 입력하세요."]}


def test_the_schema_names_the_orderings_a_list_offers(owner):
    from tests.workspace import client_for

    schema = client_for("alpha").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/customers/"]["get"]["parameters"]}
    ordering = parameters["ordering"]
    assert "name, -name, created_at" in ordering["description"]
    assert ordering["schema"]["pattern"].startswith("^-?(name|created_at|birth_date|id)")
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1}
