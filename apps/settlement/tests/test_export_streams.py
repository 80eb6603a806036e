"""Settlement's CSV exports at any size (a statement's lines, HQ's batches, tax invoices):
streamed, the header before the rows are read, rows read a chunk at a time through one
server-side cursor and written whole and in order, the totals after the lines, formula
cells still escaped, and no count of the list on the way."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.payments.models import Payment
from apps.settlement import exports
from apps.settlement.models import TaxInvoice
from apps.settlement.services.batches import batch_make
from apps.settlement.services.lifecycle import batch_confirm
from tests.plugin import hq_client

from .helpers import at, pay

pytestmark = pytest.mark.django_db

BATCHES = "/admin/settlement/settlementbatch/"
INVOICES = "/admin/settlement/taxinvoice/"
NOV, DEC = dt.date(2026, 11, 1), dt.date(2026, 12, 1)


@pytest.fixture
def fetches(fetches, monkeypatch) -> list[int]:
    """The shared spy (tests.plugin), with exports reading two lines at a time."""
    monkeypatch.setattr(exports, "EXPORT_CHUNK", 2)
    return fetches


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _no_count(queries, table: str) -> bool:
    return not [q for q in queries if "COUNT(" in q["sql"].upper() and table in q["sql"]]


@pytest.fixture
def november(tenant_alpha):
    """Alpha's November batch of five payments, the first with a reference typed as a formula."""
    payments = [pay("alpha", 10000 + n * 1000, at(f"2026-11-{n + 3:02d}")) for n in range(5)]
    with schema_context("alpha"):
        Payment.objects.filter(pk=payments[0].pk).update(reference="=HYPERLINK(\"http://evil.test\")")
    connection.set_schema_to_public()
    return batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly").batch


def test_a_statement_streams_its_lines_in_chunks_then_its_totals(november, fetches):
    response = hq_client().get(f"{BATCHES}{november.pk}/statement-csv/")
    assert response.status_code == 200 and response.streaming
    content = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        header = next(content) + next(content)  # the byte order mark, then the header
    assert header.decode("utf-8").startswith("\ufeffDate,Kind,Reference")
    assert not [q for q in queries if "settlement_settlementline" in q["sql"]]
    rows = _rows(header + b"".join(content))
    lines = rows[1:6]
    assert [row[5] for row in lines] == ["10000", "11000", "12000", "13000", "14000"]  # in settlement order
    assert lines[0][2] == "'=HYPERLINK(\"http://evil.test\")"
    assert rows[6] == [] and ["", "Payout", "", "", "", str(november.payout)] in rows[7:]
    assert fetches == [2, 2, 2, 2]  # 2 + 2 + 1 lines, then the empty fetch that ends them


def test_the_statement_the_tenant_downloads_streams_too(november, owner_alpha, fetches):
    from tests.workspace import api

    response = api("alpha", "owner@alpha.test").get(f"/api/v1/settlements/{november.pk}/", {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    rows = _rows(b"".join(response.streaming_content))
    assert len([row for row in rows[1:] if row and row[0]]) == 5 and set(fetches) == {2}


def test_hq_lists_stream_without_counting(november, tenant_alpha, hq_user, fetches):
    batch_confirm(batch=november, actor=hq_user)
    TaxInvoice.objects.filter(batch=november).update(recipient_name="+Alpha Academy")
    client = hq_client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{BATCHES}export.csv", {"status": "confirmed"})
        assert response.streaming
        batches = _rows(b"".join(response.streaming_content))
    assert [(row[0], row[3], row[7]) for row in batches[1:]] == [("alpha", "Confirmed", str(november.gross))]
    assert _no_count(queries, "settlement_settlementbatch")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{INVOICES}export.csv")
        assert response.streaming
        invoices = _rows(b"".join(response.streaming_content))
    assert [row[4] for row in invoices[1:]] == ["'+Alpha Academy"]
    assert _no_count(queries, "settlement_taxinvoice")
    assert fetches  # through the server-side cursor
