"""Money as integers in minor units: splits, discounts and partial refunds always sum back
to the total (property tests), VAT inside Korean retail prices, no floats accepted."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.money import CurrencyMismatch, Money

amounts = st.integers(min_value=0, max_value=10**12)
weights = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30).filter(sum)


@given(amount=amounts, parts=weights)
def test_allocate_always_sums_back_and_never_differs_by_more_than_one_unit(amount, parts):
    total = Money(amount, "KRW")
    shares = total.allocate(parts)
    assert sum(share.amount for share in shares) == amount
    exact = [Decimal(amount) * weight / sum(parts) for weight in parts]
    assert all(abs(share.amount - ideal) < 1 for share, ideal in zip(shares, exact, strict=True))


@given(amount=st.integers(min_value=-(10**12), max_value=-1), parts=weights)
def test_negative_amounts_split_the_same_way(amount, parts):
    assert sum(share.amount for share in Money(amount, "KRW").allocate(parts)) == amount


@given(total=amounts, rate=st.decimals(min_value=0, max_value=100, places=2), lines=weights)
def test_a_discount_spread_over_lines_plus_what_is_left_is_the_total(total, rate, lines):
    price = Money(total, "KRW")
    discount = price.percent(rate)
    assert 0 <= discount.amount <= total
    per_line = discount.allocate(lines)
    assert sum(share.amount for share in per_line) + (price - discount).amount == total


@given(captured=st.integers(min_value=1, max_value=10**10), cuts=st.lists(st.integers(min_value=1, max_value=10**10),
                                                                            max_size=20))
def test_partial_refunds_never_exceed_what_was_captured_and_sum_back(captured, cuts):
    """The rule payments enforce: each refund is at most what remains; what remains plus
    everything refunded is always the captured amount."""
    remaining, refunded = Money(captured, "KRW"), Money.zero("KRW")
    for cut in cuts:
        refund = Money(min(cut, remaining.amount), "KRW")
        remaining, refunded = remaining - refund, refunded + refund
        assert remaining.amount >= 0
    assert (remaining + refunded).amount == captured


@given(amount=amounts)
def test_vat_and_supply_value_sum_to_the_inclusive_price(amount):
    price = Money(amount, "KRW")
    vat = price.vat_included()
    supply = price - vat
    assert vat.amount + supply.amount == amount
    assert abs(supply.amount * Decimal("0.1") - vat.amount) <= 1


def test_korean_retail_vat():
    assert Money(11000, "KRW").vat_included() == Money(1000, "KRW")
    assert Money(22000, "KRW").vat_included(Decimal(0)) == Money(0, "KRW")  # VAT-exempt (tuition)
    assert Money(15900, "KRW").vat_included().amount == 1445


def test_minor_units_follow_the_currency():
    assert Money.from_major(Decimal("12.34"), "usd") == Money(1234, "USD")
    assert Money.from_major(22000, "KRW") == Money(22000, "KRW")
    assert Money(1234, "USD").major() == Decimal("12.34")
    with pytest.raises(ValueError):
        Money.from_major(Decimal("100.5"), "KRW")  # no half won


def test_no_floats_and_no_mixed_currencies():
    with pytest.raises(TypeError):
        Money(10.5, "KRW")
    with pytest.raises(TypeError):
        Money(100, "KRW") * 1.5
    with pytest.raises(CurrencyMismatch):
        Money(100, "KRW") + Money(100, "USD")
    assert Money(3000, "KRW") * 3 == Money(9000, "KRW")


def test_formatting_in_the_readers_language():
    assert Money(1500000, "KRW").format("ko") == "₩1,500,000"
    assert Money(123456, "USD").format("en") == "$1,234.56"
