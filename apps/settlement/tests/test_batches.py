import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from apps.audit.models import AuditEvent
from apps.settlement.models import SettlementAccount, SettlementBatch, SettlementLine
from apps.settlement.services.batches import batch_make

from .helpers import at, expected_lines, fail, pay, refund

pytestmark = pytest.mark.django_db

NOV, DEC, JAN = dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)


def _lines(batch):
    return [{"kind": line.kind, "source_id": line.source_id, "at": line.occurred_at, "amount": line.amount,
             "commission": line.commission, "fee": line.fee, "vat": line.vat, "net": line.net,
             "adjustment": line.adjustment}
            for line in SettlementLine.objects.filter(batch=batch).order_by("occurred_at", "kind", "source_id")]


def test_a_batch_copies_payments_and_refunds_of_its_period_and_adds_them_up(tenant_alpha):
    first = pay("alpha", 23000, at("2026-11-03"))
    second = pay("alpha", 9900, at("2026-11-30", 23))  # 23:00 in Seoul: still November
    pay("alpha", 5000, at("2026-12-01", 0))  # midnight: December's
    refund("alpha", first, 3000, at("2026-11-10"))
    fail("alpha", at("2026-11-11"))
    fail("alpha", at("2026-12-02"))  # December's

    outcome = batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly")

    batch = outcome.batch
    assert outcome.created and batch.status == SettlementBatch.Status.DRAFT
    lines = _lines(batch)
    window_end = at("2026-12-01", 0)
    assert batch.window_end == window_end and batch.window_start is None
    assert lines == expected_lines("alpha", start=None, end=window_end)
    assert [line["source_id"] for line in lines if line["kind"] == "payment"] == [first.pk, second.pk]
    assert batch.gross == 32900 and batch.refunds == 3000
    assert batch.commission == sum(line["commission"] for line in lines)
    assert batch.commission == 805 + 347 - 105  # 3.5% of 23,000 and 9,900, less 3.5% of 3,000
    assert batch.fees == 759 + 327 and batch.vat == round(batch.commission / 10)
    assert batch.net == batch.gross - batch.refunds - batch.commission - batch.fees - batch.vat
    assert batch.payout == batch.net and batch.carried_out == 0
    assert (batch.payments_count, batch.refunds_count, batch.attempts, batch.attempts_failed) == (2, 1, 3, 1)
    assert AuditEvent.objects.filter(action="settlement.batch_made", tenant=tenant_alpha).count() == 1


def test_making_it_again_changes_nothing_and_a_late_refund_is_the_next_batchs_adjustment(tenant_alpha):
    payment = pay("alpha", 50000, at("2026-11-20"))
    november = batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly").batch
    rows = _lines(november)

    again = batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly")
    assert not again.created and again.batch.pk == november.pk
    assert _lines(november) == rows and SettlementLine.objects.filter(tenant=tenant_alpha).count() == 1

    refund("alpha", payment, 50000, at("2026-12-05"))
    december = batch_make(tenant=tenant_alpha, period_start=DEC, period_end=JAN, cycle="monthly").batch
    november.refresh_from_db()
    assert _lines(november) == rows  # the closed batch is untouched
    [line] = _lines(december)
    assert line["adjustment"] and line["amount"] == -50000
    assert line["commission"] == -1750  # the whole commission back
    assert december.window_start == november.window_end
    assert december.net == -50000 + 1750 + 175  # the fee stays with the provider
    assert december.payout == 0 and december.carried_out == december.net
    assert december.adjustments_count == 1


def test_a_negative_net_is_carried_into_the_next_batch(tenant_alpha):
    payment = pay("alpha", 10000, at("2026-11-02"))
    batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly")
    refund("alpha", payment, 10000, at("2026-12-02"))
    december = batch_make(tenant=tenant_alpha, period_start=DEC, period_end=JAN, cycle="monthly").batch
    pay("alpha", 30000, at("2027-01-03"))
    january = batch_make(tenant=tenant_alpha, period_start=JAN, period_end=dt.date(2027, 2, 1),
                         cycle="monthly").batch
    assert december.carried_out < 0
    assert january.carried_in == december.carried_out
    assert january.payout == january.net + december.carried_out and january.carried_out == 0


def test_a_tenant_on_hold_gets_held_batches(tenant_alpha):
    SettlementAccount.objects.create(tenant=tenant_alpha, on_hold=True, hold_reason="chargeback dispute")
    batch = batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly").batch
    assert batch.status == SettlementBatch.Status.HELD and batch.hold_reason == "chargeback dispute"


def test_the_database_refuses_a_second_batch_for_a_period_and_a_line_settled_twice(tenant_alpha):
    pay("alpha", 1000, at("2026-11-02"))
    batch = batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly").batch
    with pytest.raises(IntegrityError), transaction.atomic():
        SettlementBatch.objects.create(tenant=tenant_alpha, cycle="monthly", period_start=NOV, period_end=DEC,
                                       window_end=batch.window_end, currency="KRW")
    line = SettlementLine.objects.get(batch=batch)
    with pytest.raises(IntegrityError), transaction.atomic():
        line.pk = None
        line.save()


def test_a_period_that_does_not_follow_the_last_batch_is_refused(tenant_alpha):
    batch_make(tenant=tenant_alpha, period_start=NOV, period_end=DEC, cycle="monthly")
    with pytest.raises(ValueError, match="does not follow"):
        batch_make(tenant=tenant_alpha, period_start=JAN, period_end=dt.date(2027, 2, 1), cycle="monthly")
