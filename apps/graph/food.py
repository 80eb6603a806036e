"""Food in GraphQL: what a customer reads before ordering (the branches taking orders, a
branch's menu with what can be ordered now), the kitchen board and the rider page (the
open orders with their lines, deadlines and the steps the caller may take), and a step of
an order. Each field answers exactly what its REST endpoint does: the same functions of
apps.food.apis (the selectors and services behind them), the same serializers for the
open reads, the same permissions and branch reach, refusals with the same codes. The
board costs the same queries whatever the number of orders on it (board_payload)."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from apps.accounts.callers import api_access
from apps.authz import catalogue
from apps.branches.selectors import branch_list_open
from apps.food.apis.board import board_rights, order_step, step_ticket
from apps.food.apis.common import polled_branches, rules_of
from apps.food.apis.consumer import branch_menu
from apps.food.board import board_payload
from apps.food.errors import NotAFoodWorkspace
from apps.food.flow import is_food_workspace
from apps.food.serializers import MenuOutput, OpenBranchOutput
from apps.orders import selectors as order_selectors

from . import objects as types
from .access import actor_of, operation_error, refused, request_of, require

# --- Types --------------------------------------------------------------------------------


def _moment(value) -> datetime.datetime | None:
    """The REST payloads' ISO moments as DateTime (shown again in the same ISO form)."""
    return datetime.datetime.fromisoformat(value) if value else None


def amount(value: int, formatted: str) -> types.Amount:
    return types.Amount(value=int(value), formatted=formatted)


@strawberry.type
class FoodDeliveryBand:
    up_to_m: int
    fee: int


@strawberry.type(description="A branch as a customer chooses it: how it takes orders and whether it does now.")
class FoodBranch:
    id: int
    name: str
    address: str
    phone: str
    timezone: str
    opening_hours: JSON
    pickup: bool
    delivery: bool
    min_order_amount: types.Amount = strawberry.field(description="The minimum order (items only).")
    delivery_fee: types.Amount
    delivery_bands: list[FoodDeliveryBand]
    delivery_radius_m: int
    latitude: str | None
    longitude: str | None
    prep_minutes: int
    delivery_minutes: int
    currency: str
    paused: bool
    open_now: bool
    opens_at: datetime.datetime | None = strawberry.field(description="The next opening, while closed.")
    taking_orders: bool = strawberry.field(description="Open now and not paused.")


def _branch(row: dict) -> FoodBranch:
    plain = ("id", "name", "address", "phone", "timezone", "opening_hours", "pickup", "delivery", "delivery_radius_m",
             "latitude", "longitude", "prep_minutes", "delivery_minutes", "currency", "paused", "open_now",
             "taking_orders")
    return FoodBranch(**{name: row[name] for name in plain}, opens_at=_moment(row["opens_at"]),
                      min_order_amount=amount(row["min_order_amount"], row["formatted"]["min_order_amount"]),
                      delivery_fee=amount(row["delivery_fee"], row["formatted"]["delivery_fee"]),
                      delivery_bands=[FoodDeliveryBand(**band) for band in row["delivery_bands"]])


@strawberry.type
class FoodOption:
    id: int
    name: str
    price_delta: int
    price_delta_display: str = strawberry.field(description="What it adds, as people read it (\"+₩4,000\"; "
                                                            "empty when nothing).")
    is_available: bool


@strawberry.type
class FoodOptionGroup:
    id: int
    name: str
    required: bool
    min_choices: int
    max_choices: int
    options: list[FoodOption]


@strawberry.type
class FoodImage:
    id: int
    url: str
    alt_text: str
    position: int


@strawberry.type
class FoodMenuHours:
    id: int
    name: str
    hours: JSON


@strawberry.type(description="A dish on a branch's menu, with whether it can be ordered now.")
class FoodDish:
    id: int
    category_id: int | None
    category_name: str | None
    name: str
    description: str
    price: types.Amount
    vat_rate: str
    sold_out: bool
    stock: int | None
    option_groups: list[FoodOptionGroup]
    images: list[FoodImage]
    menu_hours: list[FoodMenuHours] = strawberry.field(description="The menu hours it is served in (none: "
                                                                   "whenever the branch is open).")
    available_now: bool
    unavailable_reason: str = strawberry.field(description="Why it cannot be ordered now: closed, paused, "
                                                           "sold_out, out_of_hours (empty when it can).")


def _dish(row: dict) -> FoodDish:
    plain = ("id", "category_name", "name", "description", "vat_rate", "sold_out", "stock", "available_now",
             "unavailable_reason")
    groups = [FoodOptionGroup(**{**group, "options": [FoodOption(**option) for option in group["options"]]})
              for group in row["option_groups"]]
    return FoodDish(**{name: row[name] for name in plain}, category_id=row["category"],
                    price=amount(row["price"], row["price_display"]), option_groups=groups,
                    images=[FoodImage(**image) for image in row["images"]],
                    menu_hours=[FoodMenuHours(**period) for period in row["menu_hours"]])


@strawberry.type
class FoodMenuCategory:
    id: int | None = strawberry.field(description="null: the dishes without a category.")
    name: str
    items: list[FoodDish]


@strawberry.type
class FoodMenu:
    branch: FoodBranch
    categories: list[FoodMenuCategory]


@strawberry.type
class FoodTicketOption:
    group: str
    name: str


@strawberry.type
class FoodTicketLine:
    name: str
    quantity: int
    options: list[FoodTicketOption]


@strawberry.type
class FoodTicketDelivery:
    address: str
    memo: str
    phone: str


@strawberry.type(description="A step the caller may take next (`foodOrderStep(to:)`).")
class FoodTicketStep:
    to: str
    label: str
    reason_required: bool


MOMENTS = ("released_at", "accept_by", "accepted_at", "ready_by", "cooking_at", "ready_at", "out_at", "delivered_by")


@strawberry.type(description="An order on the kitchen board: what to cook, for whom, the times behind the timers "
                             "(`acceptBy`: accept it before then or it is rejected; `readyBy`, `deliveredBy`: the "
                             "estimates given to the customer) and the steps the caller may take.")
class FoodTicket:
    id: int = strawberry.field(description="The order's id.")
    number: int
    status: str
    status_label: str
    fulfilment: str
    fulfilment_label: str
    branch_id: int
    customer: str
    notes: str
    delivery: FoodTicketDelivery | None
    lines: list[FoodTicketLine]
    total: types.Amount
    payment_status: str
    released_at: datetime.datetime | None
    accept_by: datetime.datetime | None
    accepted_at: datetime.datetime | None
    ready_by: datetime.datetime | None
    cooking_at: datetime.datetime | None
    ready_at: datetime.datetime | None
    out_at: datetime.datetime | None
    delivered_by: datetime.datetime | None
    rider: str = strawberry.field(description="Who took it out (empty until then).")
    steps: list[FoodTicketStep]
    may_cancel: bool = strawberry.field(description="Whether the caller may cancel it (with a reason).")


def _ticket(row: dict) -> FoodTicket:
    plain = ("number", "status", "status_label", "fulfilment", "fulfilment_label", "customer", "notes",
             "payment_status", "rider")
    delivery = row["delivery"]
    lines = [FoodTicketLine(name=line["name"], quantity=line["quantity"],
                            options=[FoodTicketOption(**option) for option in line["options"]])
             for line in row["lines"]]
    return FoodTicket(**{name: row[name] for name in plain}, **{name: _moment(row[name]) for name in MOMENTS},
                      id=row["order"], branch_id=row["branch"], lines=lines, may_cancel=row["cancel"],
                      delivery=FoodTicketDelivery(**delivery) if delivery else None,
                      total=types.amount(row["total"]["currency"], row["total"]["amount"]),
                      steps=[FoodTicketStep(**step) for step in row["steps"]])


@strawberry.type
class FoodBoardBranch:
    id: int
    name: str
    paused: bool
    pause_reason: str
    pause_reason_label: str


@strawberry.type
class FoodBoardColumn:
    status: str
    label: str
    tickets: list[FoodTicket]


@strawberry.type
class FoodMenuSwitch:
    id: int
    name: str
    sold_out: bool


@strawberry.type(description="The kitchen board (or the rider page): the open orders in columns by status.")
class FoodBoard:
    now: datetime.datetime
    branches: list[FoodBoardBranch]
    columns: list[FoodBoardColumn]
    menu: list[FoodMenuSwitch] = strawberry.field(description="The menu's dishes with their sold-out switch (empty "
                                                              "for riders).")
    sold_out: list[FoodMenuSwitch]

    @strawberry.field(description="Every column's orders, in the columns' order.")
    def tickets(self) -> list[FoodTicket]:
        return [ticket for column in self.columns for ticket in column.tickets]


def _board(payload: dict) -> FoodBoard:
    return FoodBoard(now=_moment(payload["now"]), branches=[FoodBoardBranch(**row) for row in payload["branches"]],
                     columns=[FoodBoardColumn(status=column["status"], label=column["label"],
                                              tickets=[_ticket(row) for row in column["tickets"]])
                              for column in payload["columns"]],
                     menu=[FoodMenuSwitch(**row) for row in payload["menu"]],
                     sold_out=[FoodMenuSwitch(**row) for row in payload["sold_out"]])


# --- Queries ------------------------------------------------------------------------------


def _food_only() -> None:
    """As the REST food endpoints: in a workspace that is not a restaurant they do not exist."""
    if not is_food_workspace():
        raise refused(NotAFoodWorkspace())


def _board_for(info, *, key: str, branch: int | None, delivery_only: bool) -> FoodBoard:
    """The board as `key` ("ticket:view") reaches it: the REST feed's payload, without its ETag."""
    require(info, key)
    _food_only()
    access = api_access(request_of(info))
    try:
        branch_ids = polled_branches(access, branch, catalogue.django_perm(key))
    except Exception as exc:  # noqa: BLE001  (refused() raises again what is not a refusal)
        raise refused(exc) from None
    cook, deliver = board_rights(access, branch_ids, delivery_only=delivery_only)
    return _board(board_payload(branch_ids=branch_ids, cook=cook, deliver=deliver, delivery_only=delivery_only))


@strawberry.type
class FoodQuery:
    @strawberry.field(description="The branches taking orders and how (anyone may read), as "
                                  "`GET /api/v1/food/branches/open/`.")
    def food_branches(self, info: strawberry.Info) -> list[FoodBranch]:
        _food_only()
        return [_branch(row) for row in OpenBranchOutput(rules_of(branch_list_open()), many=True).data]

    @strawberry.field(description="A branch's menu: dishes by category with options, images and whether each can "
                                  "be ordered now (anyone may read), as `GET /api/v1/food/branches/{id}/menu/`.")
    def food_menu(self, info: strawberry.Info, branch: int) -> FoodMenu:
        _food_only()
        try:
            menu, context = branch_menu(branch)
        except Exception as exc:  # noqa: BLE001  (refused() raises again what is not a refusal)
            raise refused(exc) from None
        row = MenuOutput(menu, context={"request": request_of(info), **context}).data
        return FoodMenu(branch=_branch(row["branch"]),
                        categories=[FoodMenuCategory(id=category["id"], name=category["name"],
                                                     items=[_dish(item) for item in category["items"]])
                                    for category in row["categories"]])

    @strawberry.field(description="The kitchen board (`ticket:view`), as `GET /api/v1/food/board/`: the open orders "
                                  "of the branches you reach (or `branch`) with the steps you may take. Read by "
                                  "someone with `ticket:change`, it counts as the branch's kitchen board being open.")
    def food_board(self, info: strawberry.Info, branch: int | None = None) -> FoodBoard:
        return _board_for(info, key="ticket:view", branch=branch, delivery_only=False)

    @strawberry.field(description="The rider page (`ticket:deliver`), as `GET /api/v1/food/rider/`: deliveries "
                                  "ready to go and out on the road.")
    def food_rider_board(self, info: strawberry.Info, branch: int | None = None) -> FoodBoard:
        return _board_for(info, key="ticket:deliver", branch=branch, delivery_only=True)


# --- Mutations ----------------------------------------------------------------------------


@strawberry.type(description="An order moved one step: the order, and its row on the board now (null when it "
                             "never reached the kitchen).")
class FoodOrderStep:
    order: types.Order
    ticket: FoodTicket | None


FoodOrderStepResult = Annotated[FoodOrderStep | types.OperationError, strawberry.union("FoodOrderStepResult")]


@strawberry.type
class FoodMutation:
    @strawberry.mutation(description="Move a food order one step, as `POST /api/v1/food/orders/{id}/step/`: "
                                     "`accepted` (with `readyInMinutes`), `cooking`, `ready`, `picked_up` need "
                                     "`ticket:change`; `out_for_delivery`, `delivered` `ticket:deliver` (or "
                                     "`ticket:change`); `rejected` and `cancelled` `ticket:change` and a `reason` "
                                     "(everything paid is refunded). An order outside your branches is `not_found`.")
    def food_order_step(self, info: strawberry.Info, order: int, to: str, reason: str = "",
                        ready_in_minutes: int | None = None) -> FoodOrderStepResult:
        try:
            require(info, "ticket:view")
            _food_only()
            access = api_access(request_of(info))
            moved = order_step(access=access, actor=actor_of(info), pk=order,
                               data={"to": to, "reason": reason, "ready_in_minutes": ready_in_minutes})
            row = step_ticket(access, moved)
        except Exception as exc:  # noqa: BLE001  (operation_error raises again what is not a refusal)
            return operation_error(exc)
        return FoodOrderStep(order=order_selectors.order_with_lines(order_id=moved.pk),
                             ticket=_ticket(row) if row else None)
