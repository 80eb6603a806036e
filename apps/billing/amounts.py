"""Amounts on invoices: rounded to the currency's minor unit, VAT on what is taxable."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

_MINOR_UNITS = {"KRW": Decimal("1"), "JPY": Decimal("1")}


def money_round(amount: Decimal, currency: str) -> Decimal:
    return Decimal(amount).quantize(_MINOR_UNITS.get(currency, Decimal("0.01")), rounding=ROUND_HALF_UP)


def tax_on(taxable: Decimal, currency: str) -> Decimal:
    return money_round(taxable * Decimal(str(settings.BILLING_TAX_RATE)), currency)
