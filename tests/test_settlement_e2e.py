"""Settlement end to end (issue 15), through real processes: the web server (runserver), a
Celery worker, the sandbox provider's hosted checkout page and the ops portal in Chromium.

A food workspace on a plan whose price version takes a 3.5% commission; HQ settles it daily
(its settlement terms) -> a consumer orders twice through the API and pays on the hosted
page; the provider's signed webhooks reach the worker, which captures the payments with the
commission in force and the provider's fee -> a settlement run, carried out by the worker,
makes the day's batch: gross, commission, fees, VAT and net to the won against what the
payments recorded -> staff refund part of one order through the API, after that day closed
-> HQ confirms the batch and records its payout in the ops portal (the commission's tax
invoice is recorded, each move audited) -> the owner downloads the statement as CSV and as
PDF through the API -> the next run's batch holds the refund as an adjustment (commission
given back), the first batch stays as it was, and the second statement's CSV shows it.

Periods cannot be waited for in a test. The only thing arranged by hand is the clock: the
payments' and the refund's times are moved back in the tenant's schema, and the first run
is started as of a day ago (as beat would have started it then); everything else goes
through the services and the processes. Screenshots: test-artifacts/settlement-e2e-*.png."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.core.money import Money
from apps.payments.models import Payment, Refund
from apps.payments.providers import merchant_provider
from apps.settlement.models import Cycle, RunItem, SettlementBatch, SettlementLine, SettlementRun, TaxInvoice
from apps.settlement.periods import local_today, midnight
from apps.settlement.services.lifecycle import terms_update
from apps.settlement.services.runs import run_start
from tests.browser.screens import no_raw_codes, shoot
from tests.food_e2e_helpers import Http, ok, token
from tests.plugin import HQ_EMAIL, browser_hq_login, wait_for
from tests.settlement_e2e_helpers import (
    DINER,
    NAME,
    OWNER,
    PRICES,
    RATE,
    SCHEMA,
    SLUG,
    commission_given_back,
    forget,
    line_snapshot,
    noon,
    pay_on_hosted_page,
    payments_happened_at,
    percent,
    refund_happened_at,
    statement,
    totals,
    vat_spread,
    workspace,
)
from tests.workspace import let_the_worker_finish

pytestmark = [pytest.mark.worker, pytest.mark.browser]

REFERENCE = "KB-E2E-20261202-0417"
REFUNDED = PRICES["tea"]  # the tea of the first order was not served


def money(amount: int) -> str:
    return Money(amount, "KRW").format()


def settle(run_ids: list[int], tenant, as_of: dt.datetime) -> SettlementBatch:
    """A run over the workspace started now, carried out by the worker; the one batch it made."""
    run = run_start(as_of=as_of, tenant_ids=[tenant.pk])
    assert run is not None, "the workspace has a closed period to settle"
    run_ids.append(run.pk)
    wait_for(lambda: SettlementRun.objects.get(pk=run.pk).status != SettlementRun.Status.RUNNING,
             "the worker to finish the run", seconds=60)
    run.refresh_from_db()
    assert (run.status, run.total, run.succeeded, run.failed) == ("succeeded", 1, 1, 0)
    item = RunItem.objects.get(run=run)
    assert (item.status, item.attempts, item.batches, item.error) == ("succeeded", 1, 1, "")
    (batch,) = SettlementBatch.objects.filter(run=run)
    return batch


def test_orders_settle_daily_hq_pays_out_and_a_late_refund_is_the_next_batchs_adjustment(
        celery_worker_process, live_server_url, committed, browser):
    hq = User.objects.get(email=HQ_EMAIL)
    shop = Http(live_server_url.format(host="127.0.0.1"), f"{SLUG}.{settings.BASE_DOMAIN}")
    public_base = live_server_url.format(host="localhost")
    provider = merchant_provider()
    provider.register_webhook_url(public_base + "/api/v1/platform/webhooks/merchant-payments/")
    run_ids: list[int] = []
    pages = []
    try:
        world = workspace(committed)
        tenant, items = world["tenant"], world["items"]
        price_version = world["plan"].prices.get()

        # 1. HQ settles this workspace daily (its contract), whatever its plan says.
        terms_update(tenant=tenant, actor=hq, cycle=Cycle.DAILY)
        assert AuditEvent.objects.filter(tenant=tenant, action="settlement.terms_changed", actor=hq).count() == 1

        # 2. A consumer orders twice and pays each order on the hosted page; the worker captures them.
        diner = shop.as_(ok(shop("POST", "/api/v1/auth/register/", {
            "email": DINER, "password": "long-enough-pass-42", "name": "김정산", "language": "ko",
            "consents": {"terms": True, "privacy": True}}), 201)["tokens"]["access"])
        staff = shop.as_(token(shop, OWNER))  # the owner, for the refund and the statements
        baskets = [[("bibimbap", 2), ("tea", 1)], [("bibimbap", 1), ("tea", 1)]]
        orders = []
        for number, basket in enumerate(baskets):
            order = ok(diner("POST", "/api/v1/orders/", {
                "fulfilment": "pickup", "branch": world["branch"],
                "lines": [{"item": items[key], "quantity": quantity, "options": []} for key, quantity in basket]},
                **{"Idempotency-Key": f"e2e-{uuid.uuid4()}"}), 201)
            assert order["total"] == sum(PRICES[key] * quantity for key, quantity in basket)
            pay_on_hosted_page(browser, diner, public_base, order, shot="checkout-paid-ko-390" if number == 0 else "")
            wait_for(lambda order=order: ok(diner("GET", f"/api/v1/my/orders/{order['id']}/"), 200)[
                "payment_status"] == "paid", "the webhook to reach the worker and the payment to be captured")
            orders.append(order)
        with schema_context(SCHEMA):
            payments = [Payment.objects.get(order_id=order["id"], status="paid") for order in orders]
        connection.set_schema_to_public()
        for payment, order in zip(payments, orders, strict=True):
            # recorded at capture: the plan's commission in force and the sandbox's fee
            assert (payment.amount, payment.commission_rate, payment.commission_version_id) == (
                order["total"], RATE, price_version.pk)
            assert payment.commission_amount == percent(payment.amount, RATE)
            assert payment.fee_amount == percent(payment.amount, settings.PAYMENTS_SANDBOX_FEE_RATE)

        # 3. Periods cannot be waited for: the only thing arranged by hand is the clock (everything else goes
        # through the services and the processes). The payments were two days ago, and the first run is started
        # as of a day ago, as beat would have started it then: that day has closed, yesterday not yet. Both runs
        # are started as of this one instant, so a midnight passing while the test runs changes nothing.
        now = timezone.now()
        today = local_today(now, tenant.timezone, dt.timedelta(minutes=settings.SETTLEMENT_GRACE_MINUTES))
        first_day, second_day = today - dt.timedelta(days=2), today - dt.timedelta(days=1)
        payments_happened_at([order["id"] for order in orders], [noon(first_day, tenant, n) for n in range(2)])
        first = settle(run_ids, tenant, now - dt.timedelta(days=1))
        # daily: the first day that closed; a first batch takes everything before its end
        assert (first.cycle, first.period_start, first.period_end) == ("daily", first_day, second_day)
        commissions = [payment.commission_amount for payment in payments]
        fees = [payment.fee_amount for payment in payments]
        vats = vat_spread(commissions)
        gross = sum(payment.amount for payment in payments)
        net = gross - sum(commissions) - sum(fees) - sum(vats)
        # 30,100 and 17,200: commission 3.5% 1,053.5 -> 1,054 and 602; fees 3.3% 993.3 -> 993 and 567.6 -> 568;
        # VAT 10% of the commission 165.6 -> 166, spread 105 + 61 over the lines
        assert (gross, sum(commissions), sum(fees), vats, net) == (47300, 1656, 1561, [105, 61], 43917)
        assert totals(first) == {
            "status": "draft", "payments_count": 2, "refunds_count": 0, "adjustments_count": 0, "gross": gross,
            "refunds": 0, "commission": sum(commissions), "fees": sum(fees), "vat": sum(vats), "net": net,
            "carried_in": 0, "payout": net, "carried_out": 0, "window_start": None,
            "window_end": midnight(second_day, tenant.timezone)}
        lines = list(SettlementLine.objects.filter(batch=first).order_by("occurred_at"))
        assert [(line.kind, line.source_id, line.amount, line.commission, line.fee, line.vat, line.adjustment)
                for line in lines] == [("payment", payment.pk, payment.amount, commission, fee, vat, False)
                                       for payment, commission, fee, vat in zip(payments, commissions, fees, vats,
                                                                                strict=True)]
        assert [line.order_number for line in lines] == [order["number"] for order in orders]
        assert AuditEvent.objects.filter(tenant=tenant, action="settlement.batch_made",
                                         target_id=str(first.pk)).count() == 1

        # 4. Staff refund the first order's tea through the API: that day has closed, the refund lands later.
        refunded = ok(staff("POST", f"/api/v1/orders/{orders[0]['id']}/refunds/",
                            {"amount": REFUNDED, "reason": "유자차 품절"},
                            **{"Idempotency-Key": f"e2e-refund-{uuid.uuid4()}"}), 201)
        with schema_context(SCHEMA):
            refund = Refund.objects.get(payment=payments[0])
        connection.set_schema_to_public()
        assert (refund.status, refund.amount) == ("succeeded", REFUNDED), refunded
        # The clock again: the refund was yesterday, after the first batch's window.
        refund_happened_at(refund.pk, noon(second_day, tenant))

        # 5. HQ confirms the first batch in the ops portal and records its payout.
        page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 800}).new_page()
        pages.append(page)
        page.set_default_timeout(15000)
        browser_hq_login(page, live_server_url)
        page.goto(public_base + f"/admin/settlement/settlementbatch/?q={SLUG}")
        page.wait_for_selector("#result_list")
        text = no_raw_codes(page)
        assert NAME in text and first_day.isoformat() in text and "draft" in text.casefold()  # a badge: capitals
        assert money(gross) in text and money(net) in text
        shoot(page, "settlement-e2e-batches-en-1280")
        page.click(f"#result_list a[href*='/settlementbatch/{first.pk}/change/']")
        page.wait_for_selector("#batch-lines-link", state="attached")
        text = no_raw_codes(page)
        for amount in (gross, sum(commissions), sum(fees), sum(vats), net):
            assert money(amount) in text, (amount, text)
        assert "2 payments, 0 refunds" in text and "Recorded when the batch is confirmed" in text

        page.click(f"a[href$='/settlementbatch/{first.pk}/confirm/']")
        page.wait_for_selector("#batch-move-form")
        shoot(page, "settlement-e2e-confirm-en-1280")
        page.click("#confirm")
        page.wait_for_selector("#batch-lines-link", state="attached")
        assert "confirmed" in page.inner_text("ul.messagelist")
        assert "confirmed" in no_raw_codes(page).casefold()
        shoot(page, "settlement-e2e-confirmed-en-1280")

        page.click(f"a[href$='/settlementbatch/{first.pk}/payout/']")
        page.fill("input[name=reference]", REFERENCE)
        shoot(page, "settlement-e2e-payout-en-1280")
        page.click("#confirm")
        page.wait_for_selector("#batch-lines-link", state="attached")
        assert "recorded" in page.inner_text("ul.messagelist")
        text = no_raw_codes(page)
        assert "paid out" in text.casefold() and REFERENCE in text
        shoot(page, "settlement-e2e-paid-en-1280")
        first.refresh_from_db()
        assert (first.status, first.payout_reference, first.confirmed_by, first.paid_out_by) == (
            "paid_out", REFERENCE, hq, hq)
        invoice = TaxInvoice.objects.get(batch=first)
        assert (invoice.tenant, invoice.supply_amount, invoice.vat, invoice.total) == (
            tenant, first.commission, first.vat, first.commission + first.vat)
        page.click("#tax-invoice-link")
        page.wait_for_selector("#invoice-batch-link", state="attached")
        text = no_raw_codes(page)
        assert invoice.number in text and money(invoice.total) in text
        shoot(page, "settlement-e2e-invoice-en-1280")
        confirmed = AuditEvent.objects.get(tenant=tenant, action="settlement.batch_confirmed",
                                           target_id=str(first.pk))
        assert (confirmed.actor, confirmed.tenant_id, confirmed.metadata["tax_invoice"]) == (hq, tenant.pk,
                                                                                            invoice.number)
        assert confirmed.changes["status"] == ["draft", "confirmed"]
        paid = AuditEvent.objects.get(tenant=tenant, action="settlement.batch_paid_out", target_id=str(first.pk))
        assert (paid.actor, paid.metadata["reference"], paid.changes["status"]) == (hq, REFERENCE,
                                                                                    ["confirmed", "paid_out"])

        # 6. The owner reads the statements over the API and downloads the first one as CSV and PDF.
        listed = ok(staff("GET", "/api/v1/settlements/"), 200)["results"]
        assert [(row["id"], row["status"], row["payout_reference"], row["tax_invoice"]) for row in listed] == [
            (first.pk, "paid_out", REFERENCE, invoice.number)]
        assert diner("GET", "/api/v1/settlements/").status_code == 403  # a consumer may not
        downloaded = staff("GET", f"/api/v1/settlements/{first.pk}/?format=csv", Accept="*/*")
        assert downloaded.status_code == 200, downloaded.text[:500]
        assert downloaded.headers["Content-Type"].startswith("text/csv")
        assert f'filename="settlement-{SLUG}-{first_day.isoformat()}.csv"' in downloaded.headers[
            "Content-Disposition"]
        rows, sums = statement(downloaded.content.decode("utf-8"))
        with translation.override("ko"):  # the workspace's language
            paid_label, refund_label, yes = (str(SettlementLine.Kind.PAYMENT.label),
                                             str(SettlementLine.Kind.REFUND.label), translation.gettext("yes"))
        assert [(row[1], row[2], int(row[4]), int(row[5]), int(row[7]), int(row[8]), int(row[9]), int(row[10]),
                 row[11]) for row in rows] == [
            (paid_label, line.reference, line.order_number, line.amount, line.commission, line.fee, line.vat,
             line.net, "") for line in lines]
        assert list(sums.values()) == [gross, 0, sum(commissions), sum(fees), sum(vats), net, 0, net, 0]
        pdf = staff("GET", f"/api/v1/settlements/{first.pk}/?format=pdf", Accept="*/*")
        assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf", pdf.text[:500]
        assert pdf.content.startswith(b"%PDF")

        # 7. The next run (yesterday has closed): the refund is the new batch's adjustment.
        before = (line_snapshot(first), totals(first))
        second = settle(run_ids, tenant, now)
        assert (second.period_start, second.period_end, second.window_start) == (
            second_day, today, first.window_end)
        back = commission_given_back(payments[0].amount, 0, REFUNDED, RATE)
        (vat_back,) = vat_spread([-back])
        (line,) = SettlementLine.objects.filter(batch=second)
        assert (line.kind, line.source_id, line.payment_reference, line.order_number, line.amount) == (
            "refund", refund.pk, payments[0].reference, orders[0]["number"], -REFUNDED)
        assert (line.commission, line.fee, line.vat, line.adjustment) == (-back, 0, vat_back, True)
        # 3.5% of 30,100 less 3.5% of 25,800: 1,054 - 903 = 151 given back, with its VAT (-15.1 -> -15)
        assert (back, vat_back, line.net) == (151, -15, -REFUNDED + 151 + 15)
        # a negative net: nothing to pay out, carried to the next batch
        assert totals(second) == {
            "status": "draft", "payments_count": 0, "refunds_count": 1, "adjustments_count": 1, "gross": 0,
            "refunds": REFUNDED, "commission": -back, "fees": 0, "vat": vat_back, "net": line.net, "carried_in": 0,
            "payout": 0, "carried_out": line.net, "window_start": first.window_end,
            "window_end": midnight(today, tenant.timezone)}
        first.refresh_from_db()
        assert (line_snapshot(first), totals(first)) == before  # the paid-out batch is as it was

        detail = ok(staff("GET", f"/api/v1/settlements/{second.pk}/"), 200)
        assert (detail["adjustments_count"], detail["refunds"], detail["net"], detail["carried_out"]) == (
            1, REFUNDED, line.net, line.net)
        assert [(row["kind"], row["adjustment"], row["amount"]) for row in detail["lines"]] == [
            ("refund", True, -REFUNDED)]
        downloaded = staff("GET", f"/api/v1/settlements/{second.pk}/?format=csv", Accept="*/*")
        assert downloaded.status_code == 200 and downloaded.headers["Content-Type"].startswith("text/csv")
        rows, sums = statement(downloaded.content.decode("utf-8"))
        assert [(row[1], row[3], int(row[5]), int(row[7]), int(row[9]), int(row[10]), row[11]) for row in rows] == [
            (refund_label, payments[0].reference, -REFUNDED, -back, vat_back, line.net, yes)]
        assert list(sums.values()) == [0, -REFUNDED, -back, 0, vat_back, line.net, 0, 0, line.net]
        assert [row["id"] for row in ok(staff("GET", "/api/v1/settlements/"), 200)["results"]] == [
            second.pk, first.pk]  # newest period first
    finally:
        provider.register_webhook_url("")
        for page in pages:
            if not page.is_closed():
                page.context.close()
        connection.set_schema_to_public()
        if _schema_exists():
            let_the_worker_finish(SCHEMA)
        forget(run_ids)


def _schema_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [SCHEMA])
        return cursor.fetchone() is not None
