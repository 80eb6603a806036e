"""Money as people read it: KRW with thousands separators and no decimals, other
currencies with their own decimals, in the reader's language."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from apps.core.money import format_amount, format_money


def test_krw_has_separators_and_no_decimals_in_both_languages():
    for language in ("ko", "en"):
        assert format_money(Decimal("1000000.00"), "KRW", language) == "₩1,000,000"
        assert format_money(Decimal("-20000"), "krw", language) == "-₩20,000"
        assert format_money(22000, "KRW", language) == "₩22,000"
    assert format_money(Decimal("1234.5"), "USD", "en") == "$1,234.50"
    assert format_money(None, "KRW") == ""


def test_the_active_language_is_the_default_and_the_filter_uses_it():
    template = Template("{% load money %}{{ amount|money:currency }}")
    with translation.override("ko"):
        assert format_money(Decimal("1234.5"), "USD") == "US$1,234.50"
        assert template.render(Context({"amount": Decimal("1100000.00"), "currency": "KRW"})) == "₩1,100,000"


def test_plain_amounts_keep_what_matters():
    assert format_amount(Decimal("5000.00")) == "5,000"
    assert format_amount(Decimal("12.50")) == "12.5"
    assert format_amount(1000000) == "1,000,000"
