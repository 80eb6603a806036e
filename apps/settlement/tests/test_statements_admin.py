"""The workspace's settlement statements in its admin (Billing > Settlements): the owner's
list with money as people read it, a batch's page with its totals, its lines page by page
and the CSV and PDF downloads; nobody else gets in, and no page shows another
workspace's batch."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.consumers.services import consumer_register
from apps.settlement.admin import statements
from apps.settlement.models import TaxInvoice
from apps.settlement.services.batches import batch_make
from apps.settlement.services.lifecycle import batch_confirm, batch_hold
from apps.workspace.services import workspace_settings_get
from tests.admin_pages import tenant_admin_client
from tests.plugin import PASSWORD, client_for
from tests.workspace import make_staff

from .helpers import at, pay, refund

pytestmark = pytest.mark.django_db

NOV, DEC, JAN = dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)
LIST = "/admin/settlement/settlementbatch/"


@pytest.fixture
def batches(tenant_alpha, tenant_beta, hq_user):
    first = pay("alpha", 23000, at("2026-11-03"))
    pay("alpha", 9900, at("2026-11-30", 23))  # 23:00 in Seoul: still November, and shown so
    refund("alpha", first, 3000, at("2026-11-10"))
    november = batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly").batch
    november = batch_confirm(batch=november, actor=hq_user)
    refund("alpha", first, 20000, at("2026-12-02"))  # November's payment: December goes negative
    december = batch_make(tenant=tenant_alpha, period_start=DEC, period_end=JAN, cycle="monthly").batch
    december = batch_hold(batch=december, actor=hq_user, reason="chargeback dispute")
    pay("beta", 7000, at("2026-11-05"))
    beta = batch_make(tenant=tenant_beta, period_start=NOV, period_end=DEC, cycle="monthly").batch
    with schema_context("alpha"):
        settings_row = workspace_settings_get()
        settings_row.language, settings_row.legal_name = "en", "Alpha Academy Co., Ltd."
        settings_row.save()
    connection.set_schema_to_public()
    return {"november": november, "december": december, "beta": beta}


@pytest.fixture
def owner():
    return tenant_admin_client("owner@alpha.test")


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def visible(html: str) -> str:
    """What a person reads on the page (no markup, scripts or styles)."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))


def test_the_owner_lists_the_workspaces_statements_with_money_as_people_read_it(owner, batches):
    page = text(owner.get(LIST))
    november, december = batches["november"], batches["december"]
    assert "Settlements" in page and f'href="{LIST}"' in page  # the page and its sidebar item
    assert "11/01/2026 – 11/30/2026" in page and "12/01/2026 – 12/31/2026" in page
    assert "₩32,900" in page and "₩3,000" in page and f"₩{november.payout:,}" in page
    assert "Confirmed" in page and "On hold" in page
    assert "32900" not in visible(page) and "paid_out" not in visible(page)
    assert f"{LIST}{november.pk}/change/" in page and f"{LIST}{batches['beta'].pk}/change/" not in page
    assert f"{LIST}{december.pk}/change/" in page
    held = text(owner.get(LIST, {"status__exact": "held"}))
    assert f"{LIST}{december.pk}/change/" in held and f"{LIST}{november.pk}/change/" not in held


def test_a_statement_shows_its_totals_lines_and_downloads(owner, batches, monkeypatch):
    november = batches["november"]
    monkeypatch.setattr(statements, "LINES_PER_PAGE", 2)
    page = text(owner.get(f"{LIST}{november.pk}/change/"))
    for shown in ("Nov. 1, 2026 – Nov. 30, 2026", "Confirmed", "₩32,900", "-₩3,000",
                  f"-₩{november.commission:,}", f"₩{november.payout:,}", TaxInvoice.objects.get(batch=november).number,
                  "Alpha Academy Co., Ltd.", f"{LIST}{november.pk}/csv/", f"{LIST}{november.pk}/pdf/",
                  "Page 1 of 2", "Asia/Seoul"):
        assert shown in page, shown
    assert page.count('data-line="') == 2
    assert "HQ has not confirmed" not in page and "on hold" not in page
    last = text(owner.get(f"{LIST}{november.pk}/change/", {"page": 2}))
    assert last.count('data-line="') == 1 and "Page 2 of 2" in last
    assert "11/30/2026 11 p.m." in last  # the workspace's time, not UTC's 14:00

    response = owner.get(f"{LIST}{november.pk}/csv/")
    assert response["Content-Disposition"] == 'attachment; filename="settlement-alpha-2026-11-01.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[5] for row in rows[1:4]] == ["23000", "-3000", "9900"]
    response = owner.get(f"{LIST}{november.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == 'attachment; filename="settlement-alpha-2026-11-01.pdf"'


def test_a_held_statement_with_a_negative_balance_says_so(owner, batches):
    december = batches["december"]
    page = text(owner.get(f"{LIST}{december.pk}/change/"))
    assert "This statement is on hold" in page and "Earlier period" in page  # November's payment refunded
    assert "Negative balance carried to the next statement" in page and f"₩{-december.carried_out:,}" in page
    assert "Not paid out yet" in page and "₩0" in page


def test_the_statement_pages_read_in_korean(owner, batches):
    page = text(owner.get(f"{LIST}{batches['november'].pk}/change/", HTTP_ACCEPT_LANGUAGE="ko"))
    assert '<html lang="ko"' in page and "2026년 11월 1일" in page


def test_another_workspaces_statement_is_not_found(owner, batches):
    beta = batches["beta"].pk
    response = owner.get(f"{LIST}{beta}/change/")
    assert response.status_code == 302 and "/admin/login/" not in response["Location"]  # "does not exist"
    assert owner.get(f"{LIST}{beta}/csv/").status_code == 404
    assert owner.get(f"{LIST}{beta}/pdf/").status_code == 404


def test_nobody_but_the_owner_sees_statements(batches, tenant_alpha):
    november = batches["november"].pk
    make_staff("alpha", "manager@stmt.test", ["owner"])  # every workspace permission, not the owner
    staff = tenant_admin_client("manager@stmt.test")
    home = text(staff.get("/admin/"))
    assert f'href="{LIST}"' not in home  # no sidebar item
    for path in (LIST, f"{LIST}{november}/change/", f"{LIST}{november}/csv/", f"{LIST}{november}/pdf/",
                 f"{LIST}add/"):
        assert staff.get(path).status_code == 403, path

    consumer_register(tenant=tenant_alpha, email="diner@stmt.test", password=PASSWORD, name="Diner",
                      consents={"terms": True, "privacy": True, "marketing": False})
    connection.set_schema_to_public()
    diner = client_for("alpha")
    diner.post("/admin/login/", {"username": "diner@stmt.test", "password": PASSWORD})
    for client in (diner, client_for("alpha")):
        for path in (LIST, f"{LIST}{november}/change/", f"{LIST}{november}/pdf/"):
            response = client.get(path)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], path
