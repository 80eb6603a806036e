"""Property tests: for random payments, partial refunds spread over periods and several
commission versions, every batch adds up to the won, its lines add up to its totals,
equal what the same arithmetic done in Python gives, and making the batches again,
or again from scratch, gives identical rows."""

import datetime as dt

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.orders.models import Order
from apps.payments.models import Payment, Refund
from apps.settlement.models import SettlementBatch, SettlementLine
from apps.settlement.services.batches import batch_make

from .helpers import at, expected_lines, pay, refund

pytestmark = pytest.mark.django_db

PERIODS = [(dt.date(2026, 9, 1), dt.date(2026, 10, 1)), (dt.date(2026, 10, 1), dt.date(2026, 11, 1)),
           (dt.date(2026, 11, 1), dt.date(2026, 12, 1))]
RATES = ["0", "2.5", "3.33", "7.77", "12.5"]  # the commission versions payments were captured under

payment_plan = st.fixed_dictionaries({
    "amount": st.integers(min_value=1, max_value=2_000_000),
    "rate": st.sampled_from(RATES),
    "day": st.integers(min_value=0, max_value=89),  # from 1 September
    "refunds": st.lists(st.tuples(st.floats(min_value=0.01, max_value=1.0), st.integers(min_value=0, max_value=40)),
                        max_size=3),
})


def _rows(batch):
    return [(line.kind, line.source_id, line.amount, line.commission, line.fee, line.vat, line.net, line.adjustment)
            for line in SettlementLine.objects.filter(batch=batch).order_by("occurred_at", "kind", "source_id")]


def _clear(tenant):
    SettlementLine.objects.filter(tenant=tenant).delete()
    SettlementBatch.objects.filter(tenant=tenant).delete()


def _make_all(tenant):
    return [batch_make(tenant=tenant, period_start=start, period_end=end, cycle="monthly").batch
            for start, end in PERIODS]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=st.lists(payment_plan, min_size=0, max_size=12), vat=st.sampled_from(["10", "0", "7.5"]))
def test_batches_add_up_to_the_won_and_are_reproducible(tenant_alpha, plans, vat):
    from django.test import override_settings

    try:
        for plan in plans:
            paid_at = at("2026-09-01") + dt.timedelta(days=plan["day"], minutes=plan["day"])
            payment = pay("alpha", plan["amount"], paid_at, rate=plan["rate"])
            left = plan["amount"]
            for share, days_later in plan["refunds"]:
                amount = min(left, max(1, int(plan["amount"] * share)))
                if amount < 1 or left < 1:
                    break
                refund("alpha", payment, amount, paid_at + dt.timedelta(days=days_later, hours=1))
                left -= amount
        with override_settings(SETTLEMENT_VAT_RATE=vat):
            batches = _make_all(tenant_alpha)
            rows = [_rows(batch) for batch in batches]
            for batch in batches:
                lines = expected_lines("alpha", start=batch.window_start, end=batch.window_end, vat_rate=vat)
                assert _rows(batch) == [(x["kind"], x["source_id"], x["amount"], x["commission"], x["fee"], x["vat"],
                                         x["net"], x["adjustment"]) for x in lines]
                assert batch.net == batch.gross - batch.refunds - batch.commission - batch.fees - batch.vat
                assert batch.gross == sum(x["amount"] for x in lines if x["kind"] == "payment")
                assert batch.refunds == -sum(x["amount"] for x in lines if x["kind"] == "refund")
                assert batch.net == sum(x["net"] for x in lines) and batch.vat == sum(x["vat"] for x in lines)
            # chained carry-over, and a payout never negative
            carried = 0
            for batch in batches:
                assert batch.carried_in == carried
                assert batch.payout == max(batch.net + carried, 0) and batch.carried_out == min(batch.net + carried, 0)
                carried = batch.carried_out
            # everything settled once: every payment and completed refund in exactly one line
            with schema_context("alpha"):
                end = batches[-1].window_end
                captured = Payment.objects.filter(paid_at__lt=end).count()
                refunded = Refund.objects.filter(status="succeeded", completed_at__lt=end).count()
            connection.set_schema_to_public()
            assert SettlementLine.objects.filter(tenant=tenant_alpha).count() == captured + refunded
            # again: nothing new; from scratch: identical rows
            again = _make_all(tenant_alpha)
            assert [batch.pk for batch in again] == [batch.pk for batch in batches]
            assert SettlementLine.objects.filter(tenant=tenant_alpha).count() == captured + refunded
            _clear(tenant_alpha)
            assert [_rows(batch) for batch in _make_all(tenant_alpha)] == rows
    finally:
        _clear(tenant_alpha)
        with schema_context("alpha"):
            Refund.objects.all().delete()
            Payment.objects.all().delete()
            Order.objects.filter(number__gte=700000).delete()
        connection.set_schema_to_public()
