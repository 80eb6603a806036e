"""Reconciliation: the sandbox provider's settlement file (from its own books) matched
against our payments and refunds. Payments go through the real sandbox flow (hosted page,
signed webhook, our handler) and refunds through the refund service, at set times, so
that both books are written by the code that writes them in production; a difference is
then made the way it happens (a webhook that never came, a refund recorded here only, a
fee or an amount changed on our side)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.hq import SUPPORT
from apps.audit.models import AuditEvent
from apps.core.errors import InvalidData
from apps.payments import sandbox
from apps.payments.models import Payment, Refund
from apps.payments.providers import SETTLEMENT_FILE_COLUMNS, SandboxMerchantProvider
from apps.payments.services import payment_start, refund_create
from apps.payments.tests.helpers import make_order, pay
from apps.settlement.errors import SettlementFileMalformed, SettlementForbidden
from apps.settlement.models import Reconciliation, ReconciliationItem
from apps.settlement.periods import midnight
from apps.settlement.services.reconciliation import reconcile
from tests.admin_pages import portal_user
from tests.plugin import HQ_EMAIL, forget, hq_client

from . import helpers

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
DAY, NEXT = dt.date(2026, 3, 10), dt.date(2026, 3, 11)
P = ReconciliationItem.Problem


@pytest.fixture(autouse=True)
def _fresh_books():
    """The sandbox's books live in Redis and outlive rolled-back tests: each test starts
    with an empty index (other suites' payments of alpha are not in its file)."""
    forget("payments:sandbox:booked:*")


def seoul(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SEOUL)


def paid(amount: int, when: dt.datetime):
    """An order of `amount` paid through the sandbox at `when` (the clock stopped there)."""
    with time_machine.travel(when, tick=False):
        order = make_order(total=amount)
        payment, _body = pay(order)
    assert payment.status == Payment.Status.PAID and payment.paid_at == when
    return order, payment


def refunded(order, amount: int, when: dt.datetime, owner):
    """`amount` of the order refunded through the refund service (and the sandbox) at `when`."""
    with time_machine.travel(when, tick=False), schema_context("alpha"):
        outcome = refund_create(order=order, amount=amount, reason="Customer asked",
                                idempotency_key=uuid.uuid4().hex, actor=owner)
    connection.set_schema_to_public()
    (made,) = outcome.refunds
    return made


def items(reconciliation) -> list[tuple]:
    return sorted((item.problem, item.kind, item.reference, item.our_amount, item.provider_amount, item.our_fee,
                   item.provider_fee) for item in reconciliation.items.all())


def file_rows(start: dt.datetime, end: dt.datetime) -> list[dict]:
    text = SandboxMerchantProvider().settlement_file(merchant="alpha", start=start, end=end)
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == SETTLEMENT_FILE_COLUMNS
    return list(reader)


# --- the provider's file ------------------------------------------------------------------------


def test_the_sandbox_file_lists_approvals_and_cancels_of_the_window_from_its_own_books(tenant_alpha, owner_alpha):
    order, payment = paid(23000, seoul(DAY, 10))
    refund = refunded(order, 5000, seoul(DAY, 15, 30), owner_alpha)
    paid(9900, seoul(DAY, 0))  # the first instant of the day: in
    paid(4000, seoul(NEXT, 0))  # the next day's first instant: out
    with time_machine.travel(seoul(DAY, 11), tick=False):
        declined, _body = pay(make_order(total=7000), card="card_declined")  # a decline is not settled
    assert declined.status == Payment.Status.FAILED

    rows = file_rows(midnight(DAY, "Asia/Seoul"), midnight(NEXT, "Asia/Seoul"))

    assert [(row["type"], row["amount"], row["fee"], row["settle_amount"]) for row in rows] == [
        ("PAY", "9900", "327", "9573"), ("PAY", "23000", "759", "22241"), ("CANCEL", "-5000", "0", "-5000")]
    assert rows[1]["payment_id"] == payment.reference and rows[1]["cancel_id"] == ""
    assert rows[2]["payment_id"] == payment.reference and rows[2]["cancel_id"] == refund.provider_refund_id
    assert [row["transacted_at"] for row in rows] == [
        "2026-03-10T00:00:00+09:00", "2026-03-10T10:00:00+09:00", "2026-03-10T15:30:00+09:00"]
    assert {row["currency"] for row in rows} == {"KRW"}
    # Our own books say the same fee (the provider's fee is told to us at capture).
    with schema_context("alpha"):
        assert Payment.objects.get(pk=payment.pk).fee_amount == 759


def test_the_index_is_read_a_page_at_a_time_and_entries_from_before_the_books_had_times_still_refund():
    run = uuid.uuid4().hex[:8]  # the sandbox's entries outlive the test
    # An entry written before captures had times (no paid_at, no fee): it is in no file,
    # and refunding it still works and books the refund.
    legacy = f"ord_sbx_legacy_{run}"
    sandbox.session_open(reference=legacy, merchant="alpha", merchant_name="Alpha", order_number=1, amount=10000,
                         currency="KRW")
    cache.set(f"payments:sandbox:{legacy}", sandbox.session(legacy) | {"status": "paid", "card": "card_success"},
              None)
    with time_machine.travel(seoul(DAY, 9), tick=False):
        refund_id = sandbox.session_cancel(reference=legacy, amount=3000, refund_key="legacy-1")
    for hour in (10, 11, 12, 13):
        sandbox.session_open(reference=f"ord_sbx_{run}_{hour}", merchant="alpha", merchant_name="Alpha",
                             order_number=hour, amount=1000 * hour, currency="KRW")
        with time_machine.travel(seoul(DAY, hour), tick=False):
            sandbox.session_pay(reference=f"ord_sbx_{run}_{hour}", card="card_success")
    sandbox.session_open(reference=f"ord_sbx_{run}_beta", merchant="beta", merchant_name="Beta", order_number=1,
                         amount=5000, currency="KRW")
    with time_machine.travel(seoul(DAY, 10), tick=False):
        sandbox.session_pay(reference=f"ord_sbx_{run}_beta", card="card_success")  # another merchant's

    booked = list(sandbox.booked(merchant="alpha", start=seoul(DAY, 0), end=seoul(NEXT, 0), chunk=2))

    assert [(item.kind, item.reference, item.refund_id, item.amount) for item in booked] == [
        ("cancel", legacy, refund_id, 3000), *[("pay", f"ord_sbx_{run}_{hour}", "", 1000 * hour)
                                              for hour in (10, 11, 12, 13)]]
    assert [item.at for item in booked] == [seoul(DAY, hour) for hour in (9, 10, 11, 12, 13)]
    assert [item.fee for item in booked] == [0, 330, 363, 396, 429]  # 3.3%; none on a cancel
    assert sandbox.session(legacy)["refunded"] == 3000 and "paid_at" not in sandbox.session(legacy)


# --- reconciling --------------------------------------------------------------------------------


def test_a_period_whose_books_agree_is_matched_and_audited(tenant_alpha, owner_alpha, hq_user):
    order, _payment = paid(23000, seoul(DAY, 10))
    refunded(order, 5000, seoul(DAY, 15), owner_alpha)
    paid(12000, seoul(DAY, 18))

    done = reconcile(tenant=tenant_alpha, period_start=DAY, period_end=NEXT, actor=hq_user)

    assert done.status == Reconciliation.Status.MATCHED and done.provider == "sandbox"
    assert (done.provider_rows, done.our_rows, done.matched, done.mismatches) == (3, 3, 3, 0)
    assert done.provider_total == done.our_total == (23000 - 759) - 5000 + (12000 - 396)
    assert not done.items.exists() and done.created_by == hq_user
    done.refresh_from_db()
    assert done.status == Reconciliation.Status.MATCHED and done.matched == 3
    event = AuditEvent.objects.get(action="settlement.reconciled", tenant=tenant_alpha)
    assert event.actor == hq_user and event.target_id == str(done.pk)
    assert event.metadata["period"] == ["2026-03-10", "2026-03-11"] and event.metadata["mismatches"] == 0


def test_a_refund_recorded_only_here_and_a_capture_whose_webhook_never_came(tenant_alpha, owner_alpha):
    _order, payment = paid(30000, seoul(DAY, 9))
    ours_only = helpers.refund("alpha", payment, 2000, seoul(DAY, 10))  # never asked of the provider
    with time_machine.travel(seoul(DAY, 11), tick=False):
        with schema_context("alpha"):
            lost, _url = payment_start(order=make_order(total=8000), actor=None)
        connection.set_schema_to_public()
        sandbox.session_pay(reference=lost.reference, card="card_success")  # captured; no webhook reached us

    done = reconcile(tenant=tenant_alpha, period_start=DAY, period_end=NEXT)

    assert done.status == Reconciliation.Status.MISMATCHED
    assert (done.provider_rows, done.our_rows, done.matched, done.mismatches) == (2, 2, 1, 2)
    assert items(done) == [
        (P.MISSING_AT_PROVIDER, "refund", ours_only.provider_refund_id, -2000, None, 0, None),
        (P.MISSING_HERE, "payment", lost.reference, None, 8000, None, 264)]
    assert done.created_by is None
    assert AuditEvent.objects.get(action="settlement.reconciled", tenant=tenant_alpha).metadata["mismatches"] == 2


def test_amounts_and_fees_that_differ(tenant_alpha, owner_alpha):
    _order, first = paid(20000, seoul(DAY, 9))
    order, second = paid(10000, seoul(DAY, 10))
    refund = refunded(order, 4000, seoul(DAY, 11), owner_alpha)
    with schema_context("alpha"):
        Payment.objects.filter(pk=first.pk).update(fee_amount=600)  # the provider took 660
        Payment.objects.filter(pk=second.pk).update(amount=11000)  # we think more was captured
        Refund.objects.filter(pk=refund.pk).update(amount=3500)
    connection.set_schema_to_public()

    done = reconcile(tenant=tenant_alpha, period_start=DAY, period_end=NEXT)

    assert (done.provider_rows, done.our_rows, done.matched, done.mismatches) == (3, 3, 0, 3)
    assert items(done) == [
        (P.AMOUNT, "payment", second.reference, 11000, 10000, 330, 330),
        (P.AMOUNT, "refund", refund.provider_refund_id, -3500, -4000, 0, 0),
        (P.FEE, "payment", first.reference, 20000, 20000, 600, 660)]
    assert done.provider_total == (20000 - 660) + (10000 - 330) - 4000
    assert done.our_total == (20000 - 600) + (11000 - 330) - 3500


def test_only_the_periods_days_in_the_tenants_time_zone_are_matched(tenant_alpha, owner_alpha):
    before, _early = paid(5000, seoul(DAY, 23, 59, 59) - dt.timedelta(days=1))  # the day before
    first = paid(6000, seoul(DAY, 0))[1]
    last = paid(7000, seoul(DAY, 23, 59, 59))[1]
    paid(8000, seoul(NEXT, 0))  # the next day's
    late = refunded(before, 1000, seoul(DAY, 12), owner_alpha)  # the day before's payment, refunded on the day

    done = reconcile(tenant=tenant_alpha, period_start=DAY, period_end=NEXT)

    assert done.status == Reconciliation.Status.MATCHED
    assert (done.provider_rows, done.our_rows, done.matched) == (3, 3, 3)
    assert done.our_total == (6000 - 198) + (7000 - 231) - 1000
    # The day before and the day after, each on its own.
    assert reconcile(tenant=tenant_alpha, period_start=DAY - dt.timedelta(days=1), period_end=DAY).matched == 1
    assert reconcile(tenant=tenant_alpha, period_start=NEXT, period_end=NEXT + dt.timedelta(days=1)).matched == 1
    assert {first.reference, last.reference, late.provider_refund_id} <= {
        row["cancel_id"] or row["payment_id"] for row in file_rows(seoul(DAY, 0), seoul(NEXT, 0))}


def test_a_period_not_over_or_backwards_is_refused(tenant_alpha):
    today = dt.datetime.now(SEOUL).date()
    with pytest.raises(InvalidData) as refused:
        reconcile(tenant=tenant_alpha, period_start=today, period_end=today + dt.timedelta(days=1))
    assert "period_end" in refused.value.details
    with pytest.raises(InvalidData):
        reconcile(tenant=tenant_alpha, period_start=NEXT, period_end=DAY)
    assert not Reconciliation.objects.exists()


def test_only_hq_roles_with_the_permission_may_reconcile(tenant_alpha):
    _client, support = portal_user(SUPPORT)
    with pytest.raises(SettlementForbidden):
        reconcile(tenant=tenant_alpha, period_start=DAY, period_end=NEXT, actor=support)
    assert not Reconciliation.objects.exists()


class FileProvider:
    """A provider whose settlement file is whatever the test sets (a gateway's bad day)."""

    name = "file"
    text = ""

    def settlement_file(self, *, merchant, start, end) -> str:
        return self.text


HEADER = ",".join(SETTLEMENT_FILE_COLUMNS)
PAY_ROW = "PAY,ord_1,,2026-03-10T10:00:00+09:00,KRW,10000,330,9670"


@pytest.mark.parametrize(("text", "line", "says"), [
    ("", 1, "empty"),
    ("type,payment_id,amount\nPAY,ord_1,100\n", 1, "lacks the columns"),
    (f"{HEADER}\nPAY,ord_1,,2026-03-10T10:00:00+09:00,KRW,10000,330\n", 2, "columns instead of"),
    (f"{HEADER}\n{PAY_ROW}\nREFUND,ord_1,rf_1,2026-03-10T11:00:00+09:00,KRW,-100,0,-100\n", 3, "unknown row type"),
    (f"{HEADER}\nPAY,ord_1,,2026-03-10T10:00:00+09:00,KRW,\"10,000\",330,9670\n", 2, "not a whole number"),
    (f"{HEADER}\nPAY,ord_1,,2026-03-10T10:00:00+09:00,KRW,10000,330,10000\n", 2, "less the fee"),
    (f"{HEADER}\nCANCEL,ord_1,rf_1,2026-03-10T10:00:00+09:00,KRW,100,0,100\n", 2, "negative"),
    (f"{HEADER}\nPAY,ord_1,,2026-03-10 10:00,KRW,10000,330,9670\n", 2, "UTC offset"),
    (f"{HEADER}\nPAY,ord_1,,2026-03-11T00:00:00+09:00,KRW,10000,330,9670\n", 2, "outside the period"),
    (f"{HEADER}\nCANCEL,ord_1,,2026-03-10T10:00:00+09:00,KRW,-100,0,-100\n", 2, "missing or too long"),
    (f"{HEADER}\nPAY,ord_1,,2026-03-10T10:00:00+09:00,USD,10000,330,9670\n", 2, "currency"),
    (f"{HEADER}\n{PAY_ROW}\n\n{PAY_ROW}\n", 4, "listed twice (first on line 2)"),
])
def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_recorded(tenant_alpha, settings, text, line,
                                                                         says):
    settings.PAYMENTS_PROVIDER = f"{__name__}.FileProvider"
    FileProvider.text = text

    with pytest.raises(SettlementFileMalformed) as refused:
        reconcile(tenant=tenant_alpha, period_start=DAY, period_end=NEXT)

    assert refused.value.code == "settlement_file_malformed" and refused.value.status == 502
    assert refused.value.details["line"] == line and says in refused.value.details["problem"]
    assert says in str(refused.value.message)
    assert not Reconciliation.objects.exists() and not ReconciliationItem.objects.exists()
    assert not AuditEvent.objects.filter(action="settlement.reconciled").exists()


def test_a_file_with_a_byte_order_mark_and_columns_in_another_order_is_read(tenant_alpha, settings):
    settings.PAYMENTS_PROVIDER = f"{__name__}.FileProvider"
    FileProvider.text = ("\ufeffpayment_id,type,cancel_id,transacted_at,currency,amount,fee,settle_amount\r\n"
                         "ord_x,PAY,,2026-03-10T01:00:00Z,KRW,10000,330,9670\r\n")  # 10:00 in Seoul, in UTC

    done = reconcile(tenant=tenant_alpha, period_start=DAY, period_end=NEXT)

    assert done.provider == "file" and items(done) == [(P.MISSING_HERE, "payment", "ord_x", None, 10000, None, 330)]


# --- the ops portal -----------------------------------------------------------------------------

LIST = "/admin/settlement/reconciliation/"
ADD = LIST + "add/"


def page_of(reconciliation) -> str:
    return f"{LIST}{reconciliation.pk}/change/"


def test_hq_admin_reconciles_from_the_portal_and_reads_the_differences(tenant_alpha, owner_alpha, monkeypatch):
    _order, payment = paid(15000, seoul(DAY, 9))
    for hour in (10, 11, 12):
        helpers.refund("alpha", payment, 1000, seoul(DAY, hour))  # three refunds the provider never made
    client = hq_client()  # HQ_ADMIN

    form = client.get(ADD)
    assert form.status_code == 200 and b'id="reconcile-form"' in form.content
    backwards = client.post(ADD, {"tenant": tenant_alpha.pk, "period_start": "2026-03-10",
                                  "period_last": "2026-03-09"})
    assert backwards.status_code == 200 and "The last day cannot be before the first." in backwards.content.decode()
    future = dt.datetime.now(SEOUL).date() + dt.timedelta(days=3)
    open_period = client.post(ADD, {"tenant": tenant_alpha.pk, "period_start": "2026-03-10",
                                    "period_last": future.isoformat()})
    assert open_period.status_code == 200 and "has not ended yet" in open_period.content.decode()
    assert not Reconciliation.objects.exists()

    done = client.post(ADD, {"tenant": tenant_alpha.pk, "period_start": "2026-03-10", "period_last": "2026-03-10"})

    made = Reconciliation.objects.get()
    assert done.status_code == 302 and done["Location"] == page_of(made)
    assert (made.period_start, made.period_end, made.mismatches, made.created_by.email) == (DAY, NEXT, 3, HQ_EMAIL)
    listed = client.get(LIST).content.decode()
    assert "Alpha Academy" in listed and "Differences found" in listed

    monkeypatch.setattr("apps.settlement.admin.reconciliation.DIFFERENCES_PER_PAGE", 2)
    page = client.get(done["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and "Differences found: 3." in body and "Not in the provider&#x27;s file" in body
    assert body.count('data-problem="missing_at_provider"') == 2 and "?page=2" in body
    second = client.get(done["Location"] + "?page=2").content.decode()
    assert second.count('data-problem="missing_at_provider"') == 1 and "-₩1,000" in second


def test_support_sees_reconciliations_but_cannot_reconcile(tenant_alpha):
    made = Reconciliation.objects.create(tenant=tenant_alpha, provider="sandbox", period_start=DAY, period_end=NEXT,
                                         status=Reconciliation.Status.MATCHED)
    client, _user = portal_user(SUPPORT)

    listed = client.get(LIST)
    assert listed.status_code == 200 and ADD.encode() not in listed.content
    assert client.get(page_of(made)).status_code == 200
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"tenant": tenant_alpha.pk, "period_start": "2026-03-10",
                             "period_last": "2026-03-10"}).status_code == 403
    assert Reconciliation.objects.count() == 1
