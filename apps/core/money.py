"""Money as people read it: the currency's own decimals (none for KRW), thousands
separators and symbol, in the reader's locale (CLDR data through Babel). Amounts are
stored exactly (Decimal or integer minor units); formatting happens only here, at the
edge: admin pages, invoices, e-mails, checkout. APIs keep the plain amounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, format_decimal, get_currency_precision
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


# --- Amounts as integers in the currency's minor unit -------------------------------------
# Commerce (catalog prices, orders, payments, refunds, settlement) keeps every amount as an
# integer count of the currency's smallest unit (KRW: won, no decimals; USD: cents) with
# its currency code. Arithmetic never leaves the integers, and every split hands out the
# remainder explicitly, so parts always sum back to the whole.

def minor_digits(currency: str) -> int:
    """Decimals of `currency` (KRW 0, USD 2, JPY 0), from CLDR."""
    return get_currency_precision((currency or "").upper())


class CurrencyMismatch(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units
    currency: str

    def __post_init__(self):
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"Money amounts are integers in minor units, not {type(self.amount).__name__}")
        object.__setattr__(self, "currency", (self.currency or "").upper())

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_major(cls, value, currency: str) -> Money:
        """Decimal("12.34") USD -> Money(1234, "USD"); refuses amounts finer than the
        currency's minor unit rather than rounding them silently."""
        scaled = Decimal(str(value)).scaleb(minor_digits(currency))
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more decimals than {currency} allows")
        return cls(int(scaled), currency)

    def major(self) -> Decimal:
        return Decimal(self.amount).scaleb(-minor_digits(self.currency))

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError("Money can only be combined with Money")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, quantity: int) -> Money:
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise TypeError("Money multiplies by whole quantities; use percent() or allocate() for shares")
        return Money(self.amount * quantity, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __bool__(self) -> bool:
        return self.amount != 0

    def percent(self, rate) -> Money:
        """`rate` percent of this amount (Decimal("3.3") -> 3.3%), rounded half up to the
        minor unit: discounts, commissions, fees."""
        share = (Decimal(self.amount) * Decimal(str(rate)) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return Money(int(share), self.currency)

    def vat_included(self, rate=Decimal(10)) -> Money:
        """The VAT inside a VAT-inclusive price (Korean retail prices include 10% VAT:
        11,000 won holds 1,000 won of VAT). Supply value = amount - this."""
        rate = Decimal(str(rate))
        if not rate:
            return Money(0, self.currency)
        supply = (Decimal(self.amount) * 100 / (100 + rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return Money(self.amount - int(supply), self.currency)

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        """Split into parts proportional to `weights` (largest remainder): a discount over
        order lines, a refund over payments. The parts always sum to this amount."""
        weights = [int(weight) for weight in weights]
        if not weights or any(weight < 0 for weight in weights) or not sum(weights):
            raise ValueError("allocate() needs non-negative weights with a positive sum")
        total, sign, whole = sum(weights), (1 if self.amount >= 0 else -1), abs(self.amount)
        shares = [whole * weight // total for weight in weights]
        remainders = sorted(range(len(weights)), key=lambda i: (-(whole * weights[i] % total), i))
        for index in remainders[: whole - sum(shares)]:
            shares[index] += 1
        return [Money(sign * share, self.currency) for share in shares]

    def format(self, locale: str | None = None) -> str:
        return format_money(self.major(), self.currency, locale)

    def __str__(self) -> str:
        return self.format()
