"""Money as people read it: the currency's own decimals (none for KRW), thousands
separators and symbol, in the reader's locale (CLDR data through Babel). Amounts are
stored exactly (Decimal or integer minor units); formatting happens only here, at the
edge: admin pages, invoices, e-mails, checkout. APIs keep the plain amounts."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.utils import translation


def _babel_locale(locale: str | None) -> str:
    return translation.to_locale(locale or translation.get_language() or settings.LANGUAGE_CODE)


def format_money(amount, currency: str, locale: str | None = None) -> str:
    """`amount` (in major units, e.g. Decimal("22000.00")) of `currency`, e.g. "₩22,000".
    `locale` is a language code ("ko", "en"); default: the active language."""
    if amount is None or amount == "":
        return ""
    return format_currency(Decimal(str(amount)), (currency or "").upper(), locale=_babel_locale(locale))


def format_amount(amount, locale: str | None = None) -> str:
    """A number with thousands separators and no trailing zeros, when the currency is not
    known (e.g. a fixed discount "in the plan's currency")."""
    if amount is None or amount == "":
        return ""
    value = Decimal(str(amount))
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return format_decimal(value, locale=_babel_locale(locale))
