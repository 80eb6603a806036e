"""The audit log's CSV export (ops portal) never hands a spreadsheet a formula. Anyone can
put text into the log: the e-mail typed at a failed login is recorded as it was typed,
and so are user agents and the names of things. A cell starting with = + - @, a tab or
a carriage return is prefixed with ' (OWASP "CSV injection")."""

import csv
import io
import uuid
from types import SimpleNamespace

import pytest

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from tests.plugin import client_for, hq_client

DANGEROUS = ["=", "+", "-", "@", "\t", "\r"]
IDS = ["equals", "plus", "minus", "at", "tab", "cr"]


def export_rows(query: str = "") -> list[list[str]]:
    response = hq_client().get("/admin/audit/auditevent/export.csv" + query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline="")))


def assert_no_formula(rows):
    for row in rows[1:]:
        unsafe = [cell for cell in row if cell[:1] in DANGEROUS]
        assert not unsafe, f"cells a spreadsheet would run: {unsafe}"


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"], ids=IDS[:4])
def test_email_typed_at_login_is_exported_as_text(db, prefix):
    """The attacker's path: type a formula as the e-mail on a login form."""
    typed = f"{prefix}HYPERLINK(\"http://evil.test/{uuid.uuid4().hex}\")"
    response = client_for("alpha").post("/admin/login/", {"username": typed, "password": "whatever"})
    assert response.status_code == 200  # the form again, with an error
    event = AuditEvent.objects.filter(action="auth.login_failed").order_by("-id").first()
    assert event.actor_email == typed, "the log keeps what was typed"

    rows = export_rows("?action=auth.login_failed")
    header = rows[0]
    row = next(r for r in rows[1:] if typed in r[header.index("actor_email")])
    assert row[header.index("actor_email")] == "'" + typed
    assert_no_formula(rows)


class _Named:
    """A target whose name someone typed (only what audit_record reads of a model)."""

    _meta = SimpleNamespace(app_label="crm", model_name="customer")

    def __init__(self, name):
        self.pk, self.name = 7, name

    def __str__(self):
        return self.name


@pytest.mark.parametrize("prefix", DANGEROUS, ids=IDS)
def test_every_text_column_is_escaped(db, prefix):
    marker = uuid.uuid4().hex
    payload = f"{prefix}cmd|' /C calc'!A0 {marker}"
    audit_record(action=f"test.csv_{marker}", actor_email=payload, target=_Named(payload), user_agent=payload,
                 metadata={"note": payload})
    rows = export_rows(f"?action=test.csv_{marker}")
    header = rows[0]
    row = next(r for r in rows[1:] if marker in r[header.index("action")])
    for column in ("actor_email", "target_repr", "user_agent"):
        assert row[header.index(column)] == "'" + payload, (column, row[header.index(column)])
    assert_no_formula(rows)
