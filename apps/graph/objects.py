"""The GraphQL types: each resolves from the model instance the selectors return (their
related rows already loaded), with the labels and amounts the REST serializers give, from
the same helpers (apps.orders.flows, apps.core.money, apps.catalog.translation)."""

from __future__ import annotations

import datetime

import strawberry
from django.utils.translation import get_language
from strawberry.scalars import JSON

from apps.catalog.translation import localized
from apps.core.money import Money
from apps.orders.flows import status_label


@strawberry.type(description="An amount in the currency's minor unit (KRW: won), and as people read it.")
class Amount:
    value: int
    formatted: str


def amount(currency: str, value: int) -> Amount:
    return Amount(value=int(value), formatted=Money(int(value), currency).format())


@strawberry.type
class Option:
    id: int
    price_delta: int
    is_available: bool

    @strawberry.field
    def name(self) -> str:
        return localized(self, "name", get_language())


@strawberry.type
class OptionGroup:
    id: int
    required: bool
    min_choices: int
    max_choices: int

    @strawberry.field
    def name(self) -> str:
        return localized(self, "name", get_language())

    @strawberry.field
    def options(self) -> list[Option]:
        return list(self.options.all())  # prefetched (apps.catalog.selectors)


@strawberry.type
class Category:
    id: int
    position: int
    is_active: bool

    @strawberry.field
    def name(self) -> str:
        return localized(self, "name", get_language())


@strawberry.type
class Item:
    id: int
    kind: str
    is_active: bool
    is_sold_out: bool
    stock: int | None

    @strawberry.field
    def name(self) -> str:
        return localized(self, "name", get_language())

    @strawberry.field
    def description(self) -> str:
        return localized(self, "description", get_language())

    @strawberry.field
    def price(self) -> Amount:
        return amount(self.currency, self.price)

    @strawberry.field
    def category(self) -> Category | None:
        return self.category  # select_related

    @strawberry.field
    def option_groups(self) -> list[OptionGroup]:
        return list(self.option_groups.all())  # prefetched


@strawberry.type
class Branch:
    id: int
    name: str


@strawberry.type
class Customer:
    id: int
    name: str


def _phone(value) -> str:
    """E.164, as the REST API answers (empty when none)."""
    return str(value) if value else ""


@strawberry.type
class Guardian:
    name: str
    relation: str
    email: str

    @strawberry.field
    def phone(self) -> str:
        return _phone(self.phone)


@strawberry.type(description="A customer as the customer list shows them (`customer:view`).")
class CustomerRecord:
    id: int
    name: str
    email: str
    birth_date: datetime.date | None

    @strawberry.field
    def phone(self) -> str:
        return _phone(self.phone)

    @strawberry.field
    def branch(self) -> Branch | None:
        return self.branch  # select_related

    @strawberry.field
    def guardians(self) -> list[Guardian]:
        return list(self.guardians.all())  # prefetched (apps.crm.selectors.customer_list)


@strawberry.type
class StaffRole:
    @strawberry.field
    def key(self) -> str:
        return self.role.key

    @strawberry.field
    def name(self) -> str:
        return self.role.name

    @strawberry.field(description="The branches the role is limited to (none: every branch).")
    def branches(self) -> list[int]:
        return sorted(branch.pk for branch in self.branches.all())  # prefetched


@strawberry.type(description="A staff member as the staff list shows them (`staff:view`).")
class StaffMember:
    id: int
    email: str
    display_name: str
    phone: str
    is_active: bool
    joined_at: datetime.datetime
    deactivated_at: datetime.datetime | None

    @strawberry.field(description="The person's public id (as `/api/v1/me/` gives it).")
    def user_id(self) -> str | None:
        return self.graph_public_id  # loaded for the page (apps.staff.selectors.staff_page_context)

    @strawberry.field
    def roles(self) -> list[StaffRole]:
        return self.graph_roles


@strawberry.type
class Refund:
    id: int
    amount: int
    reason: str
    status: str
    failure_reason: str
    created_at: datetime.datetime
    completed_at: datetime.datetime | None

    @strawberry.field
    def status_label(self) -> str:
        return self.get_status_display()


@strawberry.type(description="A payment of an order, as `GET /api/v1/orders/{id}/payments/` gives it.")
class Payment:
    id: int
    reference: str
    provider: str
    status: str
    method: str
    failure_reason: str
    currency: str
    paid_at: datetime.datetime | None
    created_at: datetime.datetime

    @strawberry.field
    def status_label(self) -> str:
        return self.get_status_display()

    @strawberry.field
    def amount(self) -> Amount:
        return amount(self.currency, self.amount)

    @strawberry.field
    def refunded_amount(self) -> Amount:
        return amount(self.currency, self.refunded_amount)

    @strawberry.field
    def refund_pending_amount(self) -> Amount:
        return amount(self.currency, self.refund_pending_amount)

    @strawberry.field
    def refunds(self) -> list[Refund]:
        return list(self.refunds.all())  # prefetched (apps.payments.selectors)


@strawberry.type
class LineOption:
    id: int
    group: str
    name: str
    price_delta: int


@strawberry.type
class OrderLine:
    id: int
    item_id: int | None
    item_name: str
    item_kind: str
    unit_price: int
    quantity: int
    discount: int

    @strawberry.field
    def options(self) -> list[LineOption]:
        return [LineOption(id=option["id"], group=option.get("group", ""), name=option.get("name", ""),
                           price_delta=option.get("price_delta", 0)) for option in self.options or []]

    @strawberry.field
    def line_total(self) -> Amount:
        return amount(self.order.currency, self.line_total)  # Order.lines sets the order: no query


@strawberry.type
class Order:
    id: int

    @classmethod
    def is_type_of(cls, obj, _info) -> bool:  # a mutation's union answers with the model instance
        from apps.orders.models import Order as OrderModel

        return isinstance(obj, OrderModel | cls)

    number: int
    kind: str
    status: str
    payment_status: str
    fulfilment: str
    notes: str
    currency: str
    scheduled_for: datetime.datetime | None
    created_at: datetime.datetime
    delivery: JSON

    @strawberry.field
    def status_label(self) -> str:
        return status_label(self.status)

    @strawberry.field
    def total(self) -> Amount:
        return amount(self.currency, self.total)

    @strawberry.field
    def subtotal(self) -> Amount:
        return amount(self.currency, self.subtotal)

    @strawberry.field
    def discount_total(self) -> Amount:
        return amount(self.currency, self.discount_total)

    @strawberry.field
    def paid_amount(self) -> Amount:
        return amount(self.currency, self.paid_amount)

    @strawberry.field
    def branch(self) -> Branch | None:
        return self.branch  # select_related

    @strawberry.field
    def customer(self) -> Customer | None:
        return self.customer  # select_related

    @strawberry.field(description="Its payments with their refunds, newest first (staff with `order:view`, as "
                                  "the REST payments list).")
    def payments(self, info: strawberry.Info) -> list[Payment]:
        from .access import require  # access uses these types

        require(info, "order:view")
        return getattr(self, "graph_payments", None) or []  # loaded for the page by the query

    @strawberry.field
    def lines(self) -> list[OrderLine]:
        lines = list(self.lines.all())  # prefetched
        for line in lines:
            line.order = self  # the currency, without a query
        return lines


@strawberry.type(description="A refusal, with the same stable code as the REST API's error shape.")
class OperationError:
    code: str
    message: str
    details: JSON | None = None
