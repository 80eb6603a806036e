"""The workspace's GraphQL schema (`/graphql/` on every tenant host): queries over the same
selectors as the REST lists, scoped by the same Access (apps.authz), and mutations calling
the same services; refusals carry the REST error shape's stable codes (in `extensions.code`
for a query, as an `OperationError` in a mutation's result union).

The schema's SDL is kept in `apps/graph/schema.graphql` (a test fails when it changes
without the file: `manage.py graphql_schema` writes it)."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from django.conf import settings
from django.http import Http404
from strawberry.extensions import DisableIntrospection, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig

from apps.accounts.callers import api_access
from apps.branches import selectors as branch_selectors
from apps.catalog import selectors as catalog_selectors
from apps.catalog.apis import CategoryListApi, ItemListApi, OpenItemListApi
from apps.consumers.api import request_customer
from apps.crm import selectors as crm_selectors
from apps.crm.apis import CustomerListApi
from apps.orders import selectors as order_selectors
from apps.orders import services as order_services
from apps.orders.apis import OrderListApi, place_order
from apps.orders.serializers import StatusInput
from apps.payments import selectors as payment_selectors
from apps.staff import selectors as staff_selectors
from apps.staff.apis import StaffListApi

from . import objects as types
from .academy import AcademyMutation, AcademyQuery
from .access import may, operation_error, request_of, require, selected
from .errors import caused_by_query
from .food import FoodMutation, FoodQuery
from .lists import rest_filtered
from .monitoring import OperationMonitoring
from .pagination import Connection, connection, ordering

# --- Queries ------------------------------------------------------------------------------

OrderOrdering = ordering("OrderOrdering", OrderListApi.ordering_fields)
ItemOrdering = ordering("ItemOrdering", ItemListApi.ordering_fields)
CategoryOrdering = ordering("CategoryOrdering", CategoryListApi.ordering_fields)
CustomerOrdering = ordering("CustomerOrdering", CustomerListApi.ordering_fields)
StaffOrdering = ordering("StaffOrdering", StaffListApi.ordering_fields)


def _orders_for(info):
    """The orders the caller may see: staff with `order:view` (scoped as the REST list), a
    customer their own (and their children's); anyone else is refused."""
    request = request_of(info)
    if may(info, "order:view"):
        return order_selectors.order_list(access=api_access(request))
    consumer = request_customer(request)
    if consumer is None:
        require(info, "order:view")
    return order_selectors.my_orders(customer=consumer, user=request.user).select_related("customer")


def _with_payments(info, orders: list, *paths: tuple[str, ...]) -> list:
    """The orders' payments for the whole page in one query, when `payments` is selected
    under any of `paths` (none: on the field itself), and the caller may see them (the
    field itself refuses otherwise)."""
    wanted = any(selected(info, *path, "payments") is not None for path in paths or [()])
    if orders and wanted and may(info, "order:view"):
        found: dict[int, list] = {}
        for payment in payment_selectors.payment_list(order_ids=[order.pk for order in orders]):
            found.setdefault(payment.order_id, []).append(payment)
        for order in orders:
            order.graph_payments = found.get(order.pk, [])
    return orders


@strawberry.type
class Query(AcademyQuery, FoodQuery):
    @strawberry.field(description="Orders you may see: staff with `order:view` (in their branches, or their own when "
                                  "their role says so); a customer, their own (and their children's). Filters as "
                                  "`GET /api/v1/orders/`; newest first unless `orderBy` says otherwise.")
    def orders(self, info: strawberry.Info, first: int | None = None, after: str | None = None,
               status: str | None = None, payment_status: str | None = None, kind: str | None = None,
               fulfilment: str | None = None, branch: int | None = None, customer: int | None = None,
               created_after: datetime.datetime | None = None, created_before: datetime.datetime | None = None,
               search: str | None = None, order_by: OrderOrdering | None = None) -> Connection[types.Order]:
        queryset = rest_filtered(OrderListApi, info, _orders_for(info), status=status, payment_status=payment_status,
                                 kind=kind, fulfilment=fulfilment, branch=branch, customer=customer,
                                 created_after=created_after, created_before=created_before,
                                 search=search)
        page = connection(queryset, first=first, after=after, order=order_by)
        _with_payments(info, [edge.node for edge in page.edges], ("edges", "node"), ("nodes",))
        return page

    @strawberry.field(description="One order you may see, or null.")
    def order(self, info: strawberry.Info, id: int) -> types.Order | None:  # noqa: A002  (GraphQL's name)
        found = _orders_for(info).filter(pk=id).first()
        return _with_payments(info, [found])[0] if found else None

    @strawberry.field(description="Catalog items: every item for staff with `item:view`, the active ones for "
                                  "everyone else (as customers browse them). Filters as "
                                  "`GET /api/v1/catalog/manage/items/` for staff, `GET /api/v1/catalog/items/` "
                                  "for others (no `active`, `soldOut`); "
                                  "newest first unless `orderBy` says otherwise.")
    def items(self, info: strawberry.Info, first: int | None = None, after: str | None = None,
              kind: str | None = None, category: int | None = None, active: bool | None = None,
              sold_out: bool | None = None, branch: int | None = None, search: str | None = None,
              order_by: ItemOrdering | None = None) -> Connection[types.Item]:
        if may(info, "item:view"):
            queryset = rest_filtered(ItemListApi, info, catalog_selectors.item_list(), kind=kind, category=category,
                                     active=active, sold_out=sold_out, branch=branch, search=search)
        else:  # as the open REST list (`active` and `soldOut` are staff filters)
            queryset = rest_filtered(OpenItemListApi, info, catalog_selectors.item_list_open(), kind=kind,
                                     category=category, branch=branch, q=search)
        return connection(queryset, first=first, after=after, order=order_by)

    @strawberry.field(description="Catalog categories: all for staff with `category:view`, the active ones for "
                                  "everyone else. Newest first unless `orderBy` says otherwise.")
    def categories(self, info: strawberry.Info, first: int | None = None, after: str | None = None,
                   is_active: bool | None = None, search: str | None = None,
                   order_by: CategoryOrdering | None = None) -> Connection[types.Category]:
        queryset = (catalog_selectors.category_list() if may(info, "category:view")
                    else catalog_selectors.category_list_open())
        queryset = rest_filtered(CategoryListApi, info, queryset, is_active=is_active, search=search)
        return connection(queryset, first=first, after=after, order=order_by)

    @strawberry.field(description="Branches you may see (`branch:view`: all, or those of your assignments).")
    def branches(self, info: strawberry.Info) -> list[types.Branch]:
        require(info, "branch:view")
        return list(branch_selectors.branch_list(access=api_access(request_of(info))).order_by("name", "pk"))

    @strawberry.field(description="Customers (`customer:view`, scoped as in the REST list), with their guardians. "
                                  "Filters as `GET /api/v1/customers/`; newest first unless `orderBy` says otherwise.")
    def customers(self, info: strawberry.Info, first: int | None = None, after: str | None = None,
                  branch: int | None = None, marketing_consent: bool | None = None, tag: str | None = None,
                  born_after: datetime.date | None = None, born_before: datetime.date | None = None,
                  created_after: datetime.datetime | None = None, search: str | None = None,
                  order_by: CustomerOrdering | None = None) -> Connection[types.CustomerRecord]:
        require(info, "customer:view")
        queryset = crm_selectors.customer_list(access=api_access(request_of(info)))
        queryset = rest_filtered(CustomerListApi, info, queryset, branch=branch, marketing_consent=marketing_consent,
                                 tag=tag, born_after=born_after, born_before=born_before,
                                 created_after=created_after, search=search)
        return connection(queryset, first=first, after=after, order=order_by)

    @strawberry.field(description="Staff (`staff:view`: everyone, or those with a role in your branches) with their "
                                  "roles. Filters as `GET /api/v1/staff/`; newest first unless `orderBy` says "
                                  "otherwise.")
    def staff(self, info: strawberry.Info, first: int | None = None, after: str | None = None,
              is_active: bool | None = None, role: str | None = None, search: str | None = None,
              order_by: StaffOrdering | None = None) -> Connection[types.StaffMember]:
        require(info, "staff:view")
        queryset = rest_filtered(StaffListApi, info, staff_selectors.staff_list(access=api_access(request_of(info))),
                                 is_active=is_active, role=role, search=search)
        page = connection(queryset, first=first, after=after, order=order_by)
        context = staff_selectors.staff_page_context([edge.node for edge in page.edges])
        for edge in page.edges:
            edge.node.graph_roles = context["assignments"].get(edge.node.user_id, [])
            public_id = context["public_ids"].get(edge.node.user_id)
            edge.node.graph_public_id = str(public_id) if public_id else None
        return page



# --- Mutations ----------------------------------------------------------------------------


@strawberry.input
class OrderLineInput:
    item: int
    quantity: int = 1
    options: list[int] = strawberry.field(default_factory=list)


@strawberry.input
class DeliveryInput:
    address: str
    phone: str
    memo: str = ""


@strawberry.input
class OrderInput:
    lines: list[OrderLineInput]
    fulfilment: str
    branch: int | None = None
    customer: int | None = None
    coupon: str = ""
    notes: str = ""
    delivery: DeliveryInput | None = None
    kind: str = "order"
    party_size: int | None = None
    idempotency_key: str = ""


OrderResult = Annotated[types.Order | types.OperationError, strawberry.union("OrderResult")]


def _payload(data: OrderInput) -> dict:
    payload = strawberry.asdict(data)
    payload.pop("idempotency_key")
    return {key: value for key, value in payload.items() if value is not None and value != ""}


@strawberry.type
class Mutation(AcademyMutation, FoodMutation):
    @strawberry.mutation(description="Place an order, as `POST /api/v1/orders/`: a customer for themselves, staff "
                                     "with `order:add` for a customer (or none) in one of their branches.")
    def create_order(self, info: strawberry.Info, input: OrderInput) -> OrderResult:  # noqa: A002
        request = request_of(info)
        try:
            order, _consumer = place_order(request, _payload(input), access=api_access(request),
                                actor=request.user if request.user.is_authenticated else None,
                                idempotency_key=input.idempotency_key)
        except Exception as exc:  # noqa: BLE001  (error_of raises again what is not a refusal)
            return operation_error(exc)
        return order_selectors.order_with_lines(order_id=order.pk)

    @strawberry.mutation(description="Move an order to another status of its flow (`order:change`), as "
                                     "`POST /api/v1/orders/{id}/status/`.")
    def change_order_status(self, info: strawberry.Info, id: int, status: str,  # noqa: A002
                            reason: str = "") -> OrderResult:
        request = request_of(info)
        try:
            require(info, "order:change")
            order = (order_selectors.order_list(access=api_access(request), perm="orders.change_order")
                     .filter(pk=id).first())
            if order is None:
                raise Http404()  # as the REST endpoint's get_object()
            serializer = StatusInput(data={"status": status, "reason": reason})
            serializer.is_valid(raise_exception=True)
            order_services.order_transition(order=order, to_status=serializer.validated_data["status"],
                                            actor=request.user if request.user.is_authenticated else None,
                                            reason=serializer.validated_data["reason"])
        except Exception as exc:  # noqa: BLE001  (error_of raises again what is not a refusal)
            return operation_error(exc)
        return order_selectors.order_with_lines(order_id=order.pk)


class DepthLimit(QueryDepthLimiter):
    """GRAPHQL_MAX_DEPTH levels of our own fields (introspection's are not counted), read
    per request."""

    def __init__(self):
        super().__init__(max_depth=settings.GRAPHQL_MAX_DEPTH)


class TokenLimit(MaxTokensLimiter):
    def __init__(self):
        super().__init__(max_token_count=settings.GRAPHQL_MAX_TOKENS)


class AliasLimit(MaxAliasesLimiter):
    """Aliases multiply the work of one query (`a: orders(first: 100) b: orders(...)`)."""

    def __init__(self):
        super().__init__(max_alias_count=settings.GRAPHQL_MAX_ALIASES)


def _extensions() -> list:
    """Monitoring, depth, size and alias limits always (instantiated per request); introspection
    only where GRAPHQL_INTROSPECTION allows."""
    always = [OperationMonitoring, DepthLimit, TokenLimit, AliasLimit]
    return always if settings.GRAPHQL_INTROSPECTION else [*always, DisableIntrospection]


class PlatformSchema(strawberry.Schema):
    def process_errors(self, errors, execution_context=None) -> None:
        """Log what went wrong on our side only: refusals (they carry a code) and malformed
        queries (apps.graph.errors.caused_by_query) are answers, not faults."""
        faults = [error for error in errors if not caused_by_query(error) and not (error.extensions or {}).get("code")]
        if faults:
            super().process_errors(faults, execution_context)


schema = PlatformSchema(query=Query, mutation=Mutation, config=StrawberryConfig(auto_camel_case=True),
                        extensions=_extensions())
