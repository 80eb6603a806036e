"""Customers in the tenant admin: the "export as CSV" action (safe cells, only the selected
customers the user may export) and deleting a customer from its page (a soft delete through
the customer service)."""

import csv
import io

from django.db import connection
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.crm.models import Customer
from apps.crm.selectors import EXPORT_COLUMNS
from tests.admin_pages import offered_actions, run_action, tenant_admin_client, texts
from tests.workspace import make_branch, make_customer, make_staff

LIST_URL = "/admin/crm/customer/"


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # spreadsheets read it as UTF-8
    rows = list(csv.reader(io.StringIO(body[1:], newline="")))
    assert rows[0] == EXPORT_COLUMNS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_owner_exports_the_selected_customers_as_safe_csv(db):
    branch = make_branch("alpha", "Mapo")
    formula = make_customer("alpha", "=HYPERLINK(\"http://evil.test\")", branch=branch, email="a@alpha.test",
                            phone="+82 10-1234-5678", notes="@SUM(A1)")
    foreign = make_customer("alpha", "Jane", phone="+1 650-253-0000", marketing_consent=True)
    left_out = make_customer("alpha", "Not selected")
    client = tenant_admin_client("owner@alpha.test")
    assert "export_csv" in offered_actions(client.get(LIST_URL))
    response = run_action(client, LIST_URL, "export_csv", [formula.pk, foreign.pk], follow=False)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    rows = {row["id"]: row for row in csv_rows(response)}
    assert set(rows) == {str(formula.pk), str(foreign.pk)} and str(left_out.pk) not in rows
    first = rows[str(formula.pk)]
    assert first["name"] == "'=HYPERLINK(\"http://evil.test\")"  # a spreadsheet never runs it
    assert first["notes"] == "'@SUM(A1)" and first["branch"] == "Mapo" and first["email"] == "a@alpha.test"
    assert first["phone"] == "010-1234-5678" and first["marketing_consent"] == "no"
    second = rows[str(foreign.pk)]
    assert second["phone"] == "'+1 650-253-0000"  # international format, escaped like any leading +
    assert second["marketing_consent"] == "yes" and second["branch"] == ""


def test_export_is_offered_only_with_the_export_permission(db):
    customer = make_customer("alpha", "Kim")
    make_staff("alpha", "clerk@alpha.test", ["clerk"])  # clerks may not export (HQ-locked)
    client = tenant_admin_client("clerk@alpha.test")
    assert "export_csv" not in offered_actions(client.get(LIST_URL))
    response = run_action(client, LIST_URL, "export_csv", [customer.pk])
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_a_branch_manager_exports_only_their_branch(db):
    own, other = make_branch("alpha", "Own"), make_branch("alpha", "Other")
    mine = make_customer("alpha", "Mine", branch=own)
    theirs = make_customer("alpha", "Theirs", branch=other)
    with schema_context("alpha"):
        own_branch = type(own).objects.get(pk=own.pk)
    connection.set_schema_to_public()
    make_staff("alpha", "manager@alpha.test", ["manager"], branches=[own_branch])
    client = tenant_admin_client("manager@alpha.test")
    response = run_action(client, LIST_URL, "export_csv", [mine.pk, theirs.pk], follow=False)
    assert response.status_code == 200
    assert [row["name"] for row in csv_rows(response)] == ["Mine"]


def test_deleting_a_customer_from_its_page_is_a_soft_delete(owner_alpha):
    customer = make_customer("alpha", "Park")
    client = tenant_admin_client("owner@alpha.test")
    url = f"{LIST_URL}{customer.pk}/delete/"
    assert client.get(url).status_code == 200  # the confirmation page
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert any("deleted successfully" in text for text in texts(response))
    with schema_context("alpha"):
        stored = Customer.objects.get(pk=customer.pk)  # the row stays for orders and history
    assert stored.deleted_at is not None
    event = AuditEvent.objects.get(action="customer.deleted", target_id=str(customer.pk))
    assert event.tenant_slug == "alpha" and event.actor_id == owner_alpha.pk
    assert customer.pk not in [row.pk for row in client.get(LIST_URL).context["cl"].result_list]
    assert client.get(f"{LIST_URL}{customer.pk}/change/").status_code == 302  # gone from the admin


def test_staff_without_the_delete_permission_cannot_delete(db):
    customer = make_customer("alpha", "Lee")
    make_staff("alpha", "clerk@alpha.test", ["clerk"])
    client = tenant_admin_client("clerk@alpha.test")
    url = f"{LIST_URL}{customer.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    with schema_context("alpha"):
        assert Customer.objects.get(pk=customer.pk).deleted_at is None
    assert not AuditEvent.objects.filter(action="customer.deleted", target_id=str(customer.pk)).exists()
