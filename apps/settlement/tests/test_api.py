"""The workspace's settlement statements over its API (/api/v1/settlements/): the owner's
batches with filters, one batch with its lines, every line page by page, the statement as
CSV and as PDF; nobody else's batch, and nobody but the owner."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tenants.utils import schema_context

from apps.payments.models import Payment
from apps.settlement import apis, documents
from apps.settlement.models import TaxInvoice
from apps.settlement.services.batches import batch_make
from apps.settlement.services.lifecycle import batch_confirm, batch_pay_out
from apps.workspace.services import workspace_settings_get
from tests.plugin import PASSWORD, client_for
from tests.workspace import api, api_key_client, make_staff

from .helpers import at, pay, refund

pytestmark = pytest.mark.django_db

NOV, DEC, JAN, FEB, MAR = (dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1),
                           dt.date(2027, 3, 1))
LIST = "/api/v1/settlements/"
FORMULA = '=HYPERLINK("http://evil.test","click")'
HANGUL = re.compile("[\uac00-\ud7a3]")


def workspace(slug: str, **fields) -> None:
    with schema_context(slug):
        row = workspace_settings_get()
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
    connection.set_schema_to_public()


@pytest.fixture
def owner():
    return api("alpha", "owner@alpha.test")


@pytest.fixture
def statements(tenant_alpha, tenant_beta, hq_user):
    """alpha: November (two payments, a refund; confirmed and paid out) and December (a
    payment; draft). beta: November."""
    first = pay("alpha", 23000, at("2026-11-03"))
    second = pay("alpha", 9900, at("2026-11-20"))
    with schema_context("alpha"):  # a provider's reference a spreadsheet would run as a formula
        Payment.objects.filter(pk=second.pk).update(reference=FORMULA)
    refund("alpha", first, 3000, at("2026-11-10"))
    november = batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly").batch
    batch_confirm(batch=november, actor=hq_user)
    november = batch_pay_out(batch=november, actor=hq_user, reference="KB-20261205-0042")
    pay("alpha", 5000, at("2026-12-04"))
    december = batch_make(tenant=tenant_alpha, period_start=DEC, period_end=JAN, cycle="monthly").batch
    pay("beta", 7000, at("2026-11-05"))
    beta = batch_make(tenant=tenant_beta, period_start=NOV, period_end=DEC, cycle="monthly").batch
    workspace("alpha", language="en", legal_name="Alpha Academy Co., Ltd.", business_number="123-45-67890")
    return {"november": november, "december": december, "beta": beta}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return [row["id"] for row in response.json()["results"]]


def test_the_owner_lists_the_workspaces_batches_newest_first(owner, statements):
    november, december = statements["november"], statements["december"]
    body = owner.get(LIST).json()
    assert [row["id"] for row in body["results"]] == [december.pk, november.pk]  # not beta's
    row = body["results"][1]
    invoice = TaxInvoice.objects.get(batch=november)
    assert row == {**row, "cycle": "monthly", "cycle_label": "Monthly", "period_start": "2026-11-01",
                   "period_end": "2026-12-01", "status": "paid_out", "status_label": "Paid out", "currency": "KRW",
                   "payments_count": 2, "refunds_count": 1, "adjustments_count": 0, "gross": 32900, "refunds": 3000,
                   "commission": november.commission, "fees": november.fees, "vat": november.vat,
                   "net": november.net, "carried_in": 0, "payout": november.net, "carried_out": 0,
                   "payout_reference": "KB-20261205-0042", "tax_invoice": invoice.number}
    assert row["confirmed_at"] and row["paid_out_at"]
    assert row["url"].endswith(f"/api/v1/settlements/{november.pk}/")
    assert body["results"][0]["status_label"] == "Draft" and body["results"][0]["tax_invoice"] is None


def test_filters_by_status_and_period_and_refuse_what_they_cannot_read(owner, statements):
    november, december = statements["november"].pk, statements["december"].pk
    assert ids(owner.get(LIST, {"status": "paid_out"})) == [november]
    assert ids(owner.get(LIST, {"status": "draft"})) == [december]
    assert ids(owner.get(LIST, {"status": "held"})) == []
    assert ids(owner.get(LIST, {"period_from": "2026-12-01"})) == [december]
    assert ids(owner.get(LIST, {"period_to": "2026-11-30"})) == [november]
    assert ids(owner.get(LIST, {"period_from": "2026-11-01", "period_to": "2026-11-01"})) == [november]
    for query, field in (({"period_from": "2026-02-30"}, "period_from"), ({"period_to": "yesterday"}, "period_to"),
                         ({"status": "settled"}, "status"),
                         ({"period_from": "2026-12-01", "period_to": "2026-11-01"}, "period_to")):
        response = owner.get(LIST, query)
        assert response.status_code == 400, query
        error = response.json()["error"]
        assert error["code"] == "validation_error" and list(error["details"]) == [field], query
        assert len(error["details"][field][0].split()) > 3, error  # a sentence, not a code
    response = owner.get(LIST, {"period_from": "2026-02-30"})
    assert "YYYY-MM-DD" in response.json()["error"]["details"]["period_from"][0]
    assert "draft" in owner.get(LIST, {"status": "settled"}).json()["error"]["details"]["status"][0]


def test_the_list_costs_the_same_queries_whatever_the_page_size(owner, tenant_alpha):
    pay("alpha", 1000, at("2026-11-02"))
    for start, end in ((NOV, DEC), (DEC, JAN), (JAN, FEB), (FEB, MAR)):
        batch_make(tenant=tenant_alpha, period_start=start, period_end=end, cycle="monthly")
    owner.get(LIST)  # warm the caches (routing, flags)
    counts = []
    for size in (1, 4):
        with CaptureQueriesContext(connection) as queries:
            assert len(ids(owner.get(LIST, {"page_size": size}))) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_batch_with_its_lines_and_every_line_page_by_page(owner, statements, monkeypatch):
    november = statements["november"]
    monkeypatch.setattr(apis, "LINES_SHOWN", 2)
    body = owner.get(f"{LIST}{november.pk}/").json()
    assert body["id"] == november.pk and body["lines_count"] == 3 and len(body["lines"]) == 2
    assert body["gross"] == 32900 and body["window_start"] is None
    assert [line["kind"] for line in body["lines"]] == ["payment", "refund"]  # in the order they were settled
    refunded = body["lines"][1]
    assert refunded["amount"] == -3000 and refunded["commission"] == -105 and refunded["kind_label"] == "Refund"
    assert body["csv_url"].endswith(f"/api/v1/settlements/{november.pk}/?format=csv")
    assert body["pdf_url"].endswith(f"/api/v1/settlements/{november.pk}/?format=pdf")

    first = owner.get(body["lines_url"], {"page_size": 2}).json()
    second = owner.get(first["next"]).json()
    lines = first["results"] + second["results"]
    assert len(first["results"]) == 2 and second["next"] is None
    assert [line["amount"] for line in lines] == [23000, -3000, 9900]
    assert lines[2]["reference"] == FORMULA  # the API gives data as it is; only the CSV guards spreadsheets
    assert sum(line["net"] for line in lines) == november.net


def test_the_statement_as_csv_adds_up_and_is_safe_in_a_spreadsheet(owner, statements):
    november = statements["november"]
    response = owner.get(f"{LIST}{november.pk}/", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="settlement-alpha-2026-11-01.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, lines = rows[0], rows[1:4]
    assert header[:3] == ["Date", "Kind", "Reference"]  # the workspace's language (English here)
    assert rows[4] == []
    amounts = [int(line[header.index("Amount")]) for line in lines]
    assert amounts == [23000, -3000, 9900]  # a refund's amount is a negative number, not text
    assert sum(int(line[header.index("Net")]) for line in lines) == november.net
    assert lines[2][header.index("Reference")] == "'" + FORMULA  # shown as text, never run
    totals = {row[1]: int(row[5]) for row in rows[5:]}
    assert totals["Gross sales"] == 32900 and totals["Refunds"] == -3000 and totals["Net"] == november.net
    assert totals["Payout"] == november.payout and totals["Commission"] == november.commission


def test_the_csv_is_written_in_the_workspaces_language(owner, statements):
    workspace("alpha", language="ko")
    response = owner.get(f"{LIST}{statements['november'].pk}/?format=csv", HTTP_ACCEPT_LANGUAGE="en")
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    with translation.override("ko"):
        assert header[:2] == [translation.gettext("Date"), translation.gettext("Kind")]
    assert HANGUL.search(header[0])


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_statement_as_pdf_in_the_workspaces_language(owner, statements, language, settings):
    settings.BILLING_ISSUER = {**settings.BILLING_ISSUER, "name": "Platform Co.", "registration_number": "220-81-00000"}
    workspace("alpha", language=language)
    november = statements["november"]
    response = owner.get(f"{LIST}{november.pk}/", {"format": "pdf"})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == 'attachment; filename="settlement-alpha-2026-11-01.pdf"'
    assert owner.get(f"{LIST}{november.pk}/", HTTP_ACCEPT="application/pdf").content.startswith(b"%PDF-")

    html = documents.statement_html(november, tenant=november.tenant)
    assert f'<html lang="{language}">' in html
    for text in ("Platform Co.", "220-81-00000", "Alpha Academy Co., Ltd.", "123-45-67890", "KB-20261205-0042",
                 TaxInvoice.objects.get(batch=november).number, "₩32,900"):
        assert text in html, text
    with translation.override(language):
        assert translation.gettext("Settlement statement") in html and translation.gettext("Paid out") in html
    assert bool(HANGUL.search(html)) == (language == "ko")


def test_a_long_statement_prints_its_first_lines_and_points_to_the_csv(owner, tenant_alpha, monkeypatch):
    for day in range(2, 6):
        pay("alpha", 1000 * day, at(f"2026-11-{day:02d}"))
    batch = batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly").batch
    workspace("alpha", language="en")
    monkeypatch.setattr(documents, "PDF_LINES", 3)
    html = documents.statement_html(batch, tenant=tenant_alpha)
    assert html.count("<tr class=\"payment\">") == 3
    assert "The first 3 of 4 payments and refunds are printed here." in html


def test_another_workspaces_batch_is_not_found(owner, statements):
    beta = statements["beta"].pk
    for path in (f"{LIST}{beta}/", f"{LIST}{beta}/lines/", f"{LIST}{beta}/?format=csv", f"{LIST}{beta}/?format=pdf",
                 f"{LIST}999999/"):
        response = owner.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json" and response.json()["error"]["code"] == "not_found"
    assert ids(api("beta", "owner@beta.test").get(LIST)) == [beta]  # beta's owner sees it


def test_nobody_but_the_owner_reads_statements(statements, tenant_alpha):
    from apps.consumers.services import consumer_register

    november = statements["november"].pk
    staff = make_staff("alpha", "all-roles@stmt.test", ["owner"])  # every workspace permission, not the owner
    consumer_register(tenant=tenant_alpha, email="diner@stmt.test", password=PASSWORD, name="Diner",
                      consents={"terms": True, "privacy": True, "marketing": False})
    connection.set_schema_to_public()
    key_client, _key = api_key_client("alpha", ["customer:view"])
    refused = {"staff": api("alpha", staff.email), "consumer": api("alpha", "diner@stmt.test"), "api key": key_client}
    for who, client in refused.items():
        for path in (LIST, f"{LIST}{november}/", f"{LIST}{november}/lines/", f"{LIST}{november}/?format=csv",
                     f"{LIST}{november}/?format=pdf"):
            response = client.get(path)
            assert response.status_code == 403, f"{who} {path}: {response.status_code}"
            error = response.json()["error"]
            assert error["code"] == "permission_denied" and "owner" in error["message"], who
    assert client_for("alpha").get(LIST).status_code == 401


def test_the_schema_documents_the_statement_endpoints(db):
    schema = client_for("alpha").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert {"/api/v1/settlements/", "/api/v1/settlements/{id}/", "/api/v1/settlements/{id}/lines/"} <= set(paths)
    listing = paths["/api/v1/settlements/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"status", "period_from", "period_to", "cursor", "page_size"}
    detail = paths["/api/v1/settlements/{id}/"]["get"]["responses"]["200"]["content"]
    assert set(detail) == {"application/json", "text/csv", "application/pdf"}
