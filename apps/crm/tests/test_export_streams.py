"""The customers' CSV export at any size (API and the tenant admin's action): streamed (the
header before the customers are read), read a chunk at a time through one server-side
cursor, each customer's branch, tags and guardians right without a query per customer,
formula cells still escaped, and the scope of who exports unchanged."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.crm import selectors
from apps.crm.models import Customer, GuardianContact, Tag
from apps.crm.selectors import EXPORT_COLUMNS
from tests.admin_pages import run_action, tenant_admin_client
from tests.workspace import api, make_branch, make_customer, make_staff

EXPORT = "/api/v1/customers/export/"


def _rows(content: bytes) -> list[dict]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0] == EXPORT_COLUMNS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _customers(count: int, prefix: str, branch=None) -> list[Customer]:
    """`count` customers, each with a tag and a guardian (what the export reads per customer)."""
    with schema_context("alpha"):
        tag = Tag.objects.get_or_create(name=f"{prefix}-tag")[0]
        made = []
        for n in range(count):
            customer = Customer.objects.create(name=f"{prefix} {n:03d}", branch=branch)
            customer.tags.add(tag)
            GuardianContact.objects.create(customer=customer, name=f"Parent {n}", relation="mother",
                                           phone=f"+82 10-5555-{n:04d}")
            made.append(customer)
    connection.set_schema_to_public()
    return made


def test_the_header_goes_out_before_the_customers_are_read(db):
    _customers(2, "Header")
    response = api("alpha", "owner@alpha.test").get(EXPORT)
    assert response.status_code == 200 and response.streaming
    content = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(content)
    assert first.decode("utf-8") == "\ufeff" + ",".join(EXPORT_COLUMNS) + "\r\n"
    assert not [query for query in queries if "crm_customer" in query["sql"]]
    assert {row["name"] for row in _rows(first + b"".join(content))} >= {"Header 000", "Header 001"}


def test_customers_are_read_in_chunks_with_their_relations(db, monkeypatch, fetches):
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 2)
    branch = make_branch("alpha", "Chunked")
    made = _customers(5, "Chunk", branch=branch)
    make_customer("alpha", "=HYPERLINK(\"http://evil.test\")", branch=branch)
    response = api("alpha", "owner@alpha.test").get(EXPORT, {"branch": branch.pk})
    rows = _rows(b"".join(response.streaming_content))
    formula = [row for row in rows if row["name"].startswith("'=")]
    assert [row["name"] for row in formula] == ["'=HYPERLINK(\"http://evil.test\")"]  # still text
    rows = [row for row in rows if row not in formula]
    assert [row["name"] for row in rows] == [customer.name for customer in made]  # by name, as the list
    for n, row in enumerate(rows):
        assert row["id"] == str(made[n].pk) and row["branch"] == "Chunked" and row["tags"] == "Chunk-tag"
        assert row["guardians"] == f"Parent {n} (mother) 010-5555-{n:04d}"
    assert set(fetches) == {2} and len(fetches) >= 3  # one server-side cursor, two customers a fetch


def test_the_queries_do_not_grow_with_the_customers(db):
    client = api("alpha", "owner@alpha.test")

    def queries_for(count: int, prefix: str) -> int:
        branch = make_branch("alpha", prefix)
        _customers(count, prefix, branch=branch)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(EXPORT, {"branch": branch.pk})
            assert len(_rows(b"".join(response.streaming_content))) == count
        return len(queries)

    assert queries_for(2, "Few") == queries_for(30, "Many")


def test_the_admin_action_streams_only_what_the_user_may_export(db):
    north, south = make_branch("alpha", "North"), make_branch("alpha", "South")
    mine, theirs = _customers(1, "North", branch=north)[0], _customers(1, "South", branch=south)[0]
    make_staff("alpha", "mgr-stream@alpha.test", ["manager"], [north])
    client = tenant_admin_client("mgr-stream@alpha.test")
    response = run_action(client, "/admin/crm/customer/", "export_csv", [mine.pk, theirs.pk], follow=False)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    rows = _rows(b"".join(response.streaming_content))
    assert [(row["id"], row["tags"], row["branch"]) for row in rows] == [(str(mine.pk), "North-tag", "North")]
