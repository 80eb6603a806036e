"""REST cursor pages by keyset (apps.core.keyset.KeysetPagination): every row reached once
going forward and the same pages coming back, with rows that tie on the order's value and
rows whose value is empty; a cursor not made here, or for another order, is refused."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.crm.models import Customer
from tests.workspace import api


@pytest.fixture
def customers(db):
    """Seven customers: three share a name, two share a birth date, two have none."""
    births = ["2001-05-05", "2001-05-05", None, "1999-01-01", None, "2010-10-10", "1985-03-03"]
    names = ["Kim", "Kim", "Kim", "Lee", "Park", "Choi", "Jung"]
    with schema_context("alpha"):
        Customer.objects.all().delete()
        made = [Customer.objects.create(name=name, birth_date=birth) for name, birth in zip(names, births, strict=True)]
    connection.set_schema_to_public()
    return made


def walk(client, params: dict) -> tuple[list[list[int]], list[list[int]]]:
    """The pages going forward from the first one, then back from the last one."""
    forward, page = [], client.get("/api/v1/customers/", params).json()
    forward.append([row["id"] for row in page["results"]])
    while page["next"]:
        page = client.get(page["next"]).json()
        forward.append([row["id"] for row in page["results"]])
    backward = [forward[-1]]
    while page["previous"]:
        page = client.get(page["previous"]).json()
        backward.append([row["id"] for row in page["results"]])
    return forward, backward[::-1]


@pytest.mark.parametrize("ordering", ["name", "-name", "birth_date", "-birth_date", "created_at", "-id"])
def test_every_row_once_there_and_back_whatever_ties_and_empty_values(customers, ordering):
    owner = api("alpha", "owner@alpha.test")
    whole = [row["id"] for row in owner.get("/api/v1/customers/", {"ordering": ordering, "page_size": 100})
             .json()["results"]]
    assert sorted(whole) == sorted(c.pk for c in customers)
    forward, backward = walk(owner, {"ordering": ordering, "page_size": 2})
    assert [pk for page in forward for pk in page] == whole, ordering
    assert backward == forward, ordering
    # ties by id the same way, empty values last going up and first going down (as PostgreSQL orders)
    field, descending = ordering.lstrip("-"), ordering.startswith("-")
    by_id = {c.pk: c for c in customers}

    def key(pk):
        value = getattr(by_id[pk], field if field != "id" else "pk")
        return (value is None, value if value is not None else 0, pk)

    assert whole == sorted(whole, key=key, reverse=descending)


def test_a_cursor_not_ours_or_of_another_order_is_refused(customers):
    owner = api("alpha", "owner@alpha.test")
    by_name = owner.get("/api/v1/customers/", {"ordering": "name", "page_size": 2}).json()
    for params in ({"cursor": "garbage"}, {"cursor": by_name["next"].split("cursor=")[1].split("&")[0]}):
        refused = owner.get("/api/v1/customers/", {"ordering": "-birth_date", **params}, HTTP_ACCEPT_LANGUAGE="ko")
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_cursor", params
        assert refused.json()["error"]["message"] != "This cursor is not one we gave out: start again without it."
