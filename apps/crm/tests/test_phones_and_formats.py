"""Phone numbers are validated as phone numbers (Korean by default) and stored in E.164;
the export answers `Accept: text/csv`; a customer without a branch has branch_name null;
text fields take only text."""

import csv
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django_tenants.utils import schema_context

from apps.crm.models import Customer, GuardianContact
from tests.workspace import api, make_customer


@pytest.fixture
def owner(db):
    return api("alpha", "owner@alpha.test")


def create(owner, **data):
    return owner.post("/api/v1/customers/", {"name": "Phone Test", **data}, content_type="application/json")


def field_errors(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    return body["details"]


def test_phone_numbers_are_validated_and_stored_in_e164(owner):
    for bad in ["abc", "12", "010-1234", "+82 10"]:
        assert "phone" in field_errors(create(owner, phone=bad)), bad
    created = create(owner, phone="010-1234-5678")
    assert created.status_code == 201, created.content
    assert created.json()["phone"] == "+821012345678"
    assert create(owner, phone="+1 650-253-0000").json()["phone"] == "+16502530000"
    assert create(owner, phone="").json()["phone"] == ""
    with schema_context("alpha"):
        assert Customer.objects.filter(phone="+821012345678").count() == 1


def test_guardian_phone_is_validated(owner):
    minor = {"birth_date": "2016-05-01", "guardians": [{"name": "Parent", "relation": "mother", "phone": "abc"}]}
    details = field_errors(create(owner, **minor))
    assert "phone" in details["guardians"]["0"]
    minor["guardians"][0]["phone"] = "010 9876 5432"
    created = create(owner, **minor)
    assert created.status_code == 201 and created.json()["guardians"][0]["phone"] == "+821098765432"


def test_phone_error_is_in_korean(owner):
    response = owner.post("/api/v1/customers/", {"name": "x", "phone": "abc"}, content_type="application/json",
                          HTTP_ACCEPT_LANGUAGE="ko")
    message = field_errors(response)["phone"][0]
    assert message != "Enter a valid phone number." and "전화번호" in message


def test_csv_import_reports_an_invalid_phone(owner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "name,phone\nGood,010-2000-0001\nBad,not-a-phone\n"
    upload = SimpleUploadedFile("c.csv", text.encode(), content_type="text/csv")
    report = owner.post("/api/v1/customers/import/", {"file": upload}).json()
    assert report["created"] == 1 and [row["line"] for row in report["errors"]] == [3]
    assert "phone" in report["errors"][0]["errors"]


def test_text_fields_take_only_text(owner):
    details = field_errors(create(owner, name=12345, notes=1.5))
    assert set(details) == {"name", "notes"}


def test_customer_without_branch_has_null_branch_name(owner):
    created = create(owner)
    assert created.status_code == 201 and created.json()["branch_name"] is None


def test_export_negotiates_csv(owner):
    make_customer("alpha", "Exported", phone="010-3000-0001")
    for accept in ("text/csv", "text/csv; charset=utf-8", "*/*", None):
        extra = {"HTTP_ACCEPT": accept} if accept else {}
        response = owner.get("/api/v1/customers/export/", **extra)
        assert response.status_code == 200, (accept, response.content)
        assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][1:3] == ["Exported", "010-3000-0001"]  # Korean numbers as people write them

    refused = owner.get("/api/v1/customers/export/", HTTP_ACCEPT="application/json")
    assert refused.status_code == 406 and refused["Content-Type"] == "application/json"
    assert refused.json()["error"]["code"] == "not_acceptable"
    invalid = owner.get("/api/v1/customers/export/?marketing_consent=maybe", HTTP_ACCEPT="text/csv")
    assert invalid.status_code == 400 and invalid["Content-Type"] == "application/json"
    assert invalid.json()["error"]["details"] == {"marketing_consent": ["Use true or false."]}


def test_migration_turns_existing_numbers_into_e164(db):
    customer = make_customer("alpha", "Legacy")
    with schema_context("alpha"):
        guardian = GuardianContact.objects.create(customer=customer, name="G", phone="+821000000000")
        with connection.cursor() as cursor:  # as stored before: typed by people, not normalised
            cursor.execute("UPDATE crm_customer SET phone = %s WHERE id = %s", ["010-4000-0001", customer.pk])
            cursor.execute("UPDATE crm_guardiancontact SET phone = %s WHERE id = %s", ["not a number", guardian.pk])
        migration = importlib.import_module("apps.crm.migrations.0002_phone_numbers")
        migration.phones_to_e164("crm", ("Customer", "GuardianContact"))(django_apps, None)
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM crm_customer WHERE id = %s", [customer.pk])
            assert cursor.fetchone()[0] == "+821040000001"
            cursor.execute("SELECT phone FROM crm_guardiancontact WHERE id = %s", [guardian.pk])
            assert cursor.fetchone()[0] == "not a number"  # left for a person to correct
