"""Settlement in the ops portal, in a real browser (Playwright + Debian Chromium), in
English and Korean, at 1280x800 and at a phone's 390x844. An HQ admin logs in, opens the
batches, opens alpha's November batch (made from payments and a refund written into its
schema), confirms it, records the payout with the bank transfer's reference, then opens
its tax invoice, the runs and a run with a failed tenant.

Assertions are on what a person sees, in the page's language: amounts as money, statuses
and kinds by their labels, never a raw code ("paid_out"). Screenshots:
test-artifacts/settlement-ops-<step>-<lang>-<width>.png."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.browser.screens import RUNS, detail_action, new_page, no_raw_codes, shoot
from tests.plugin import browser_hq_login

pytestmark = pytest.mark.browser

VIEWPORTS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
REFERENCE = "KB-20261202-0417"

WORDS = {
    "en": {"draft": "Draft", "confirmed": "Confirmed", "paid_out": "Paid out", "failed": "Failed",
           "run_failed": "Finished with failures", "progress": "1 done, 1 failed of 2",
           "confirmed_msg": "confirmed", "paid_msg": "recorded"},
    "ko": {"draft": "초안", "confirmed": "확정", "paid_out": "지급 완료", "failed": "실패",
           "run_failed": "일부 실패로 종료", "progress": "2곳 중 1곳 완료, 1곳 실패",
           "confirmed_msg": "확정했습니다", "paid_msg": "기록했습니다"},
}


def url(live_server_url, path):
    return live_server_url.format(host="localhost") + path


@pytest.fixture
def settled(committed):
    """Alpha's November 2026: two payments and a partial refund, made into a draft batch;
    and a finished run in which beta failed. Committed for the web server, removed after."""
    from apps.accounts.models import User
    from apps.orders.models import Order
    from apps.payments.models import Payment, Refund
    from apps.settlement.models import RunItem, SettlementAccount, SettlementBatch, SettlementRun, TaxInvoice
    from apps.settlement.services.batches import batch_make
    from apps.settlement.tests.helpers import at, pay, refund
    from apps.tenants.models import Tenant
    from tests.plugin import HQ_EMAIL

    alpha, beta = Tenant.objects.get(slug="alpha"), Tenant.objects.get(slug="beta")
    first = pay("alpha", 23000, at("2026-11-03"))
    second = pay("alpha", 9900, at("2026-11-20"))
    back = refund("alpha", first, 3000, at("2026-11-10"))
    batch = batch_make(tenant=alpha, period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 12, 1),
                       cycle="monthly").batch
    now = timezone.now()
    run = SettlementRun.objects.create(as_of=now - dt.timedelta(minutes=5), trigger=SettlementRun.Trigger.MANUAL,
                                       started_by=User.objects.get(email=HQ_EMAIL), total=2, succeeded=1, failed=1,
                                       status=SettlementRun.Status.FAILED, finished_at=now)
    RunItem.objects.create(run=run, tenant=alpha, status=RunItem.Status.SUCCEEDED, attempts=1, batches=1,
                           started_at=now - dt.timedelta(minutes=4), finished_at=now - dt.timedelta(minutes=4))
    RunItem.objects.create(run=run, tenant=beta, status=RunItem.Status.FAILED, attempts=1,
                           started_at=now - dt.timedelta(minutes=4), finished_at=now - dt.timedelta(minutes=3),
                           error="OperationalError: server closed the connection unexpectedly")
    yield batch, run
    connection.set_schema_to_public()
    TaxInvoice.objects.filter(tenant=alpha).delete()
    SettlementBatch.objects.filter(tenant=alpha).delete()
    SettlementRun.objects.filter(pk=run.pk).delete()
    SettlementAccount.objects.filter(tenant=alpha).delete()
    with schema_context("alpha"):
        Refund.objects.filter(pk=back.pk).delete()
        orders = [first.order_id, second.order_id]
        Payment.objects.filter(pk__in=[first.pk, second.pk]).delete()
        Order.objects.filter(pk__in=orders).delete()
    connection.set_schema_to_public()


def money(amount: int) -> str:
    from apps.core.money import Money

    return Money(amount, "KRW").format()


@pytest.mark.parametrize("language,width", RUNS, ids=[f"{language}-{width}" for language, width in RUNS])
def test_hq_confirms_and_pays_out_a_batch_and_reads_the_runs(browser, live_server_url, settled, language, width):
    from apps.settlement.models import SettlementBatch

    batch, run = settled
    words = {key: value.casefold() for key, value in WORDS[language].items()}
    page = new_page(browser, language, width)
    browser_hq_login(page, live_server_url)

    page.goto(url(live_server_url, "/admin/settlement/settlementbatch/"))
    page.wait_for_selector("#result_list")
    text = no_raw_codes(page).casefold()
    assert "alpha academy" in text and "2026-11-01 – 2026-11-30" in text
    assert money(32900) in text and money(3000) in text and money(batch.payout) in text
    assert words["draft"] in text
    shoot(page, f"settlement-ops-batches-{language}-{width}")

    page.click(f"#result_list a[href$='/settlementbatch/{batch.pk}/change/']")
    page.wait_for_selector("#batch-lines-link", state="attached")
    text = no_raw_codes(page).casefold()
    assert money(batch.commission) in text and money(batch.vat) in text and money(batch.net) in text
    shoot(page, f"settlement-ops-batch-{language}-{width}")

    detail_action(page, f"/settlementbatch/{batch.pk}/confirm/")
    page.wait_for_selector("#batch-move-form")
    shoot(page, f"settlement-ops-confirm-{language}-{width}")
    page.click("#confirm")
    page.wait_for_selector("#batch-lines-link", state="attached")
    text = no_raw_codes(page).casefold()
    assert words["confirmed_msg"] in page.inner_text("ul.messagelist").casefold() and words["confirmed"] in text
    assert SettlementBatch.objects.get(pk=batch.pk).status == "confirmed"

    detail_action(page, f"/settlementbatch/{batch.pk}/payout/")
    page.fill("input[name=reference]", REFERENCE)
    page.click("#confirm")
    page.wait_for_selector("#batch-lines-link", state="attached")
    text = no_raw_codes(page).casefold()
    assert words["paid_msg"] in page.inner_text("ul.messagelist").casefold()
    assert words["paid_out"] in text and REFERENCE.casefold() in text
    assert page.is_visible("#tax-invoice-link") or width == 390  # further down on a phone
    shoot(page, f"settlement-ops-paid-{language}-{width}")
    paid = SettlementBatch.objects.get(pk=batch.pk)
    assert (paid.status, paid.payout_reference) == ("paid_out", REFERENCE)

    page.click("#tax-invoice-link")  # the commission's tax invoice, recorded on confirming
    page.wait_for_selector("#invoice-batch-link", state="attached")
    text = no_raw_codes(page).casefold()
    assert paid.tax_invoice.number.casefold() in text and money(batch.commission + batch.vat) in text
    shoot(page, f"settlement-ops-invoice-{language}-{width}")

    page.goto(url(live_server_url, "/admin/settlement/settlementbatch/"))
    page.click(f"#result_list a[href$='/settlementbatch/{batch.pk}/change/']")  # and the lines, a page of them
    page.click("#batch-lines-link")
    page.wait_for_selector("#result_list")
    text = no_raw_codes(page).casefold()
    assert money(23000) in text and money(-3000) in text
    shoot(page, f"settlement-ops-lines-{language}-{width}")

    page.goto(url(live_server_url, "/admin/settlement/settlementrun/"))
    page.wait_for_selector("#result_list")
    text = no_raw_codes(page).casefold()
    assert words["progress"] in text and words["run_failed"] in text
    shoot(page, f"settlement-ops-runs-{language}-{width}")

    page.click(f"#result_list a[href$='/settlementrun/{run.pk}/change/']")
    page.wait_for_selector("#run-items")
    text = no_raw_codes(page, "#run-items").casefold()
    assert "beta bistro" in text and words["failed"] in text and "operationalerror" in text
    assert page.locator("#run-items .retry-item").count() == 1  # the failed tenant only
    shoot(page, f"settlement-ops-run-{language}-{width}")
    page.context.close()
