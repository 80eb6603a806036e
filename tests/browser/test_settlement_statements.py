"""The workspace owner's settlement statements in a real browser (Playwright + Debian
Chromium): Billing > Settlements lists the batches with money as people read it, a batch
shows its totals and its lines page by page, and the CSV and PDF download; at 1280 and
390 wide, in English and Korean (screenshots test-artifacts/settlement-statements-*.png).
No page scrolls sideways or shows a raw code."""

import csv
import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from tests.browser import screens
from tests.plugin import ARTIFACTS, PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
LOCALES = {"en": "en-US", "ko": "ko-KR"}
NOV, DEC, JAN = dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)
LIST = "/admin/settlement/settlementbatch/"
# status codes, and the rest of RAW_CODE (permission keys)
RAW_CODE = re.compile(r"\b(?:draft|confirmed|paid_out|held|payment|refund)\b|" + screens.RAW_CODE.pattern)


def _forget_alpha_settlement():
    from apps.settlement.models import SettlementBatch, TaxInvoice

    TaxInvoice.objects.filter(tenant__slug="alpha").delete()
    SettlementBatch.objects.filter(tenant__slug="alpha").delete()  # its lines with it


@pytest.fixture
def statements(committed):
    """alpha: November with 56 payments and 2 refunds (confirmed, paid out), December with
    a refund of a November payment that leaves it negative (held). Committed for the web
    server, removed after."""
    from apps.accounts.models import User
    from apps.orders.models import Order
    from apps.payments.models import Payment, Refund
    from apps.settlement.services.batches import batch_make
    from apps.settlement.services.lifecycle import batch_confirm, batch_hold, batch_pay_out
    from apps.settlement.tests.helpers import at, pay, refund
    from apps.tenants.models import Tenant
    from apps.workspace.services import workspace_settings_get

    alpha, hq = Tenant.objects.get(slug="alpha"), User.objects.get(email="hq@platform.test")
    _forget_alpha_settlement()
    with schema_context("alpha"):
        before = (Payment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
                  Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        workspace = workspace_settings_get()
        kept = (workspace.legal_name, workspace.business_number, workspace.language)
        workspace.legal_name, workspace.business_number = "알파아카데미 주식회사", "123-45-67890"
        workspace.save()
    connection.set_schema_to_public()
    payments = [pay("alpha", 12000 + 500 * (n % 9), at(f"2026-11-{2 + n % 27:02d}", 9 + n % 12)) for n in range(56)]
    refund("alpha", payments[3], 4000, at("2026-11-20"))
    refund("alpha", payments[5], payments[5].amount, at("2026-11-21"))
    november = batch_make(tenant=alpha, period_start=NOV, period_end=DEC, cycle="monthly").batch
    batch_confirm(batch=november, actor=hq)
    november = batch_pay_out(batch=november, actor=hq, reference="KB-20261205-0042")
    refund("alpha", payments[10], payments[10].amount, at("2026-12-03"))
    december = batch_make(tenant=alpha, period_start=DEC, period_end=JAN, cycle="monthly").batch
    december = batch_hold(batch=december, actor=hq, reason="chargeback dispute")
    yield {"november": november, "december": december}
    connection.set_schema_to_public()
    _forget_alpha_settlement()
    with schema_context("alpha"):
        Refund.objects.filter(payment__pk__gt=before[0]).delete()
        Payment.objects.filter(pk__gt=before[0]).delete()
        Order.objects.filter(pk__gt=before[1]).delete()
        workspace = workspace_settings_get()
        workspace.legal_name, workspace.business_number, workspace.language = kept
        workspace.save()
    connection.set_schema_to_public()


def url(live_server_url, path):
    return live_server_url.format(host="alpha.localhost") + path


def owner_page(browser, live_server_url, language):
    context = browser.new_context(locale=LOCALES[language], viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(url(live_server_url, "/admin/login/"))
    page.fill("input[name=username]", "owner@alpha.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#nav-sidebar-apps")
    # this test's language, whatever the account remembered from another test
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url(live_server_url, "/")}])
    return page


def both_sizes(page, name, language):
    for viewport, size in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(150)
        screens.shoot(page, f"settlement-statements-{name}-{size}-{language}")
    page.set_viewport_size(DESKTOP)


def download(page, selector):
    with page.expect_download() as started:
        page.click(selector)
    return started.value


@pytest.mark.parametrize("language", ["en", "ko"])
def test_owner_reads_and_downloads_statements(browser, live_server_url, statements, language):
    ko = language == "ko"
    november, december = statements["november"], statements["december"]
    page = owner_page(browser, live_server_url, language)

    # Billing > Settlements: both batches, money in won, statuses as words
    page.goto(url(live_server_url, "/admin/"))
    sidebar = page.inner_text("#nav-sidebar-apps")
    assert ("정산" if ko else "Settlements") in sidebar
    page.goto(url(live_server_url, LIST))
    page.wait_for_selector("#result_list")
    listing = screens.no_raw_codes(page, pattern=RAW_CODE)
    assert f"₩{november.gross:,}" in listing and f"₩{november.payout:,}" in listing
    labels = listing.casefold()  # the theme's labels are in capitals
    assert ("지급 완료" if ko else "paid out") in labels and ("보류" if ko else "on hold") in labels
    both_sizes(page, "list", language)

    # November: totals, first page of lines, the second page
    page.click(f"#result_list a[href$='/{november.pk}/change/']")
    page.wait_for_selector("#statement-detail")
    head = page.inner_text("#statement-payout")
    assert head == f"₩{november.payout:,}"
    totals = page.inner_text("#statement-totals")
    assert f"-₩{november.commission:,}" in totals and f"-₩{november.refunds:,}" in totals
    assert page.locator("#statement-lines tbody tr").count() == 50
    assert "KB-20261205-0042" in page.inner_text("#statement-facts")
    screens.no_raw_codes(page, pattern=RAW_CODE)
    both_sizes(page, "detail", language)
    refunds = page.locator("#statement-lines tr.refund").count()
    page.click("#statement-pages a.button")
    page.wait_for_url("**?page=2")
    assert page.locator("#statement-lines tbody tr").count() == 58 - 50
    assert refunds + page.locator("#statement-lines tr.refund").count() == 2

    # the downloads: the whole CSV (every line, then the totals), a real PDF
    csv_file = download(page, "#download-csv")
    assert csv_file.suggested_filename == "settlement-alpha-2026-11-01.csv"
    rows = list(csv.reader(io.StringIO(open(csv_file.path(), encoding="utf-8-sig").read())))
    assert len(rows) == 1 + 58 + 1 + 9 and sum(int(row[10]) for row in rows[1:59]) == november.net
    pdf_file = download(page, "#download-pdf")
    assert pdf_file.suggested_filename == "settlement-alpha-2026-11-01.pdf"
    saved = ARTIFACTS / f"settlement-statements-{language}.pdf"
    pdf_file.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")

    # December: held, negative, its refund of a November payment marked as such
    page.goto(url(live_server_url, f"{LIST}{december.pk}/change/"))
    page.wait_for_selector("#statement-held")
    assert page.inner_text("#statement-payout") == "₩0"
    assert page.locator("#statement-lines .tag").count() == 1
    screens.no_raw_codes(page, pattern=RAW_CODE)
    both_sizes(page, "held", language)
    page.context.close()
