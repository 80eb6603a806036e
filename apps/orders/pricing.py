"""What an order costs: its lines checked against the catalog and priced as they are now
(snapshots of the item, its options and prices), a discount spread over the lines, fees,
and the VAT inside the total. No writes here: apps.orders.services takes the stock, the
coupon and the number, and stores the result.

Every amount is an integer in the currency's minor unit (apps.core.money)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from apps.catalog.selectors import item_offered_at
from apps.catalog.translation import localized
from apps.core.errors import InvalidData
from apps.core.money import Money

from .errors import ItemUnavailable, OptionChoices, OptionInvalid, OptionUnavailable, UnknownItem

MAX_LINES = 50
MAX_QUANTITY = 99
DEFAULT_FEE_VAT = Decimal(10)


@dataclass
class PricedLine:
    position: int
    item_id: int
    item_name: str
    item_kind: str
    options: list[dict]
    unit_price: int
    quantity: int
    vat_rate: Decimal
    counted_stock: bool  # the item's stock is counted: the order takes units
    discount: int = 0

    @property
    def gross(self) -> int:
        return self.unit_price * self.quantity

    @property
    def line_total(self) -> int:
        return self.gross - self.discount


@dataclass(frozen=True)
class Fee:
    code: str
    amount: int
    vat_rate: Decimal = DEFAULT_FEE_VAT

    def as_row(self) -> dict:
        return {"code": self.code, "amount": self.amount, "vat_rate": str(self.vat_rate)}


@dataclass
class Totals:
    currency: str
    subtotal: int
    discount_total: int
    fee_total: int
    total: int
    vat_total: int
    fees: list[Fee] = field(default_factory=list)


# --- Lines -------------------------------------------------------------------------------


def _invalid_line(index: int, name: str, message) -> InvalidData:
    return InvalidData(message, details={"line": index, name: [str(message)]})


def line_inputs_check(lines: Sequence[dict]) -> None:
    """The shape of `lines` (the API's serializer says the same; services called from
    elsewhere get the same answers)."""
    if not lines:
        raise InvalidData(_("Add at least one item to the order."), details={"lines": [_("Add at least one item.")]})
    if len(lines) > MAX_LINES:
        message = _("An order has at most %(count)s lines.") % {"count": MAX_LINES}
        raise InvalidData(message, details={"lines": [message]})
    for index, line in enumerate(lines):
        quantity = line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise _invalid_line(index, "quantity", _("The quantity must be a whole number from 1 to %(max)s.")
                                % {"max": MAX_QUANTITY})
        options = line.get("options") or []
        if len(set(options)) != len(options):
            twice = sorted({option for option in options if options.count(option) > 1})
            raise OptionInvalid(_("The same option is chosen twice."),
                                details={"line": index, "item": line.get("item"), "options": twice})


def _choices_message(group_name: str, low: int, high: int) -> str:
    if low == high:
        return ngettext("Choose %(count)s option for “%(group)s”.", "Choose %(count)s options for “%(group)s”.",
                        low) % {"count": low, "group": group_name}
    if low == 0:
        return ngettext("Choose at most %(count)s option for “%(group)s”.",
                        "Choose at most %(count)s options for “%(group)s”.", high) % {"count": high,
                                                                                         "group": group_name}
    return _("Choose between %(min)s and %(max)s options for “%(group)s”.") % {"min": low, "max": high,
                                                                             "group": group_name}


def _options_for(index: int, item, chosen_ids: Sequence[int]) -> list[dict]:
    """The chosen options of one line, checked against the item's groups (membership,
    availability, each group's minimum and maximum), as snapshots."""
    by_id, groups = {}, list(item.option_groups.all())
    for group in groups:
        for option in group.options.all():
            by_id[option.pk] = (group, option)
    foreign = [pk for pk in chosen_ids if pk not in by_id]
    if foreign:
        raise OptionInvalid(details={"line": index, "item": item.pk, "options": foreign})
    chosen = [by_id[pk] for pk in chosen_ids]
    for _group, option in chosen:
        if not option.is_available:
            name = localized(option, "name")
            raise OptionUnavailable(_("“%(name)s” is not available now.") % {"name": name}, details={
                "line": index, "item": item.pk, "option": option.pk, "name": name})
    for group in groups:
        count = sum(1 for chosen_group, _option in chosen if chosen_group.pk == group.pk)
        low = max(group.min_choices, 1 if group.required else 0)
        high = max(group.max_choices, low)
        if not low <= count <= high:
            name = localized(group, "name")
            raise OptionChoices(_choices_message(name, low, high), details={
                "line": index, "item": item.pk, "group": group.pk, "name": name, "min": low, "max": high,
                "chosen": count})
    # in the catalog's order, whatever order they were sent in
    order = {pk: position for position, pk in enumerate(by_id)}
    return [{"id": option.pk, "group_id": group.pk, "group": group.name, "name": option.name,
             "price_delta": option.price_delta}
            for group, option in sorted(chosen, key=lambda pair: order[pair[1].pk])]


def _item_for(index: int, item, *, item_id, branch_id, currency: str):
    if item is None:
        raise UnknownItem(details={"line": index, "item": item_id})
    name = localized(item, "name")
    details = {"line": index, "item": item.pk, "name": name}
    if not item.is_active:
        raise ItemUnavailable(_("“%(name)s” is not on sale.") % {"name": name}, details={**details,
                                                                                       "reason": "inactive"})
    if item.is_sold_out:
        raise ItemUnavailable(_("“%(name)s” is sold out.") % {"name": name}, details={**details,
                                                                                    "reason": "sold_out"})
    if not item_offered_at(item, branch_id):
        raise ItemUnavailable(_("“%(name)s” is not offered at this branch.") % {"name": name},
                              details={**details, "reason": "branch"})
    if item.currency.upper() != currency.upper():
        raise ItemUnavailable(details={**details, "reason": "currency"})
    return item


def lines_price(*, lines: Sequence[dict], items: dict, branch_id: int | None, currency: str) -> list[PricedLine]:
    """Each requested line ({"item", "quantity", "options"}) checked and priced from the
    loaded `items` (apps.catalog.selectors.items_for_order). Raises the first refusal,
    with the line's index in `details`."""
    line_inputs_check(lines)
    priced = []
    for index, line in enumerate(lines):
        item = _item_for(index, items.get(line.get("item")), item_id=line.get("item"), branch_id=branch_id,
                         currency=currency)
        options = _options_for(index, item, list(line.get("options") or []))
        unit_price = max(0, item.price + sum(option["price_delta"] for option in options))
        priced.append(PricedLine(position=index, item_id=item.pk, item_name=item.name, item_kind=item.kind,
                                 options=options, unit_price=unit_price, quantity=line["quantity"],
                                 vat_rate=Decimal(item.vat_rate), counted_stock=item.stock is not None))
    return priced


def units_by_item(lines: Sequence[PricedLine]) -> list[tuple[int, int]]:
    """(item id, units) of counted items, in item id order: every order takes stock rows
    in the same order, so two orders never wait for each other crosswise."""
    units: dict[int, int] = {}
    for line in lines:
        if line.counted_stock:
            units[line.item_id] = units.get(line.item_id, 0) + line.quantity
    return sorted(units.items())


# --- Discounts, fees, totals -------------------------------------------------------------


def allowances_check(allowances: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """A service's allowances as [(code, amount)], each a code and a positive whole
    amount (zero amounts dropped): anything else is a programming error, refused."""
    checked = []
    for code, amount in allowances:
        if not code or isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValueError(f"bad allowance {code!r}: {amount!r}")
        if amount:
            checked.append((str(code), amount))
    return checked


def discount_allocate(lines: Sequence[PricedLine], discount: int, currency: str) -> None:
    """Spread `discount` over the lines in proportion to their amounts (the parts sum to
    it exactly; apps.core.money.Money.allocate), so that a partial refund of a line knows
    what was paid for it."""
    for line in lines:
        line.discount = 0
    weights = [line.gross for line in lines]
    if discount <= 0 or not sum(weights):
        return
    for line, share in zip(lines, Money(discount, currency).allocate(weights), strict=True):
        line.discount = share.amount


FeeRule = Callable[..., list[Fee]]
_FEE_RULES: dict[str, FeeRule] = {}
FEE_LABELS: dict[str, object] = {}


def fee_rule_register(code: str, rule: FeeRule, *, label) -> None:
    """`rule(*, fulfilment, kind, flow, subtotal, branch, delivery, currency)` returns the
    fees it charges (a business module replaces "delivery" with its own rules for the
    orders of its flow, and hands the others to `delivery_fee_default`)."""
    _FEE_RULES[code] = rule
    FEE_LABELS[code] = label


OrderRule = Callable[..., None]
_ORDER_RULES: dict[str, OrderRule] = {}


def order_rule_register(code: str, rule: OrderRule) -> None:
    """`rule(*, kind, flow, fulfilment, branch, delivery, subtotal, lines)` refuses an order
    its business does not take (raise a PlatformError): a closed restaurant, an amount
    below its minimum, an address outside its area. Runs after the lines are priced,
    before anything is taken, in the order's transaction."""
    _ORDER_RULES[code] = rule


def order_rules_check(**context) -> None:
    for rule in _ORDER_RULES.values():
        rule(**context)


def fee_label(code: str) -> str:
    label = FEE_LABELS.get(code)
    return str(label) if label is not None else code.replace("_", " ").capitalize()


def delivery_fee_default(*, fulfilment, kind, subtotal, branch, delivery, currency, **_context) -> list[Fee]:
    """settings.ORDERS_DELIVERY_FEE on every delivery."""
    amount = settings.ORDERS_DELIVERY_FEE
    return [Fee("delivery", amount)] if fulfilment == "delivery" and amount > 0 else []


fee_rule_register("delivery", delivery_fee_default, label=pgettext_lazy("order fee", "Delivery fee"))


def fees_for(**context) -> list[Fee]:
    fees = []
    for rule in _FEE_RULES.values():
        fees.extend(fee for fee in rule(**context) if fee.amount)
    return fees


def totals_compute(*, lines: Sequence[PricedLine], fees: Sequence[Fee], currency: str) -> Totals:
    """Subtotal (before discount), discount, fees, total and the VAT inside the total
    (each line at its own rate, after its share of the discount; fees at theirs)."""
    subtotal = sum(line.gross for line in lines)
    discount_total = sum(line.discount for line in lines)
    fee_total = sum(fee.amount for fee in fees)
    vat = sum(Money(line.line_total, currency).vat_included(line.vat_rate).amount for line in lines)
    vat += sum(Money(fee.amount, currency).vat_included(fee.vat_rate).amount for fee in fees)
    return Totals(currency=currency, subtotal=subtotal, discount_total=discount_total, fee_total=fee_total,
                  total=subtotal - discount_total + fee_total, vat_total=vat, fees=list(fees))
