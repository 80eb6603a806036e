"""Food in GraphQL against the REST API, caller by caller (the `beta` workspace is the
restaurant): the menu and the branches anyone reads, the kitchen board and the rider page
(same rows, same branch reach, a query count that does not grow with the orders), a step
through the same function (same order, moves and events; refusals with the same codes),
and what another workspace's ids and callers get."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.catalog.models import Item
from apps.events.models import Event
from apps.food.models import BranchOrdering
from apps.food.tests.api_world import JSON, food_world, in_beta, not_today, paid_order, step
from apps.food.tests.conftest import make_dish, place
from apps.orders.models import Order
from apps.orders.tests.conftest import make_menu
from tests.plugin import client_for
from tests.workspace import api

from .test_graphql import data, error_codes, gql

TICKET = """order: id number status status_label: statusLabel fulfilment fulfilment_label: fulfilmentLabel
  branch: branchId customer notes delivery { address memo phone } lines { name quantity options { group name } }
  total { amount: value } payment_status: paymentStatus released_at: releasedAt accept_by: acceptBy
  accepted_at: acceptedAt ready_by: readyBy cooking_at: cookingAt ready_at: readyAt out_at: outAt
  delivered_by: deliveredBy rider steps { to label reason_required: reasonRequired } cancel: mayCancel"""
BOARD_FIELDS = """branches { id name paused pause_reason: pauseReason pause_reason_label: pauseReasonLabel }
  columns { status label tickets { <TICKET> } } menu { id name sold_out: soldOut } sold_out: soldOut { id name
  sold_out: soldOut }""".replace("<TICKET>", TICKET)
BOARD = "query($branch: Int) { foodBoard(branch: $branch) { <F> } }".replace("<F>", BOARD_FIELDS)
RIDER = "query($branch: Int) { foodRiderBoard(branch: $branch) { <F> } }".replace("<F>", BOARD_FIELDS)
STEP = """mutation($order: Int!, $to: String!, $reason: String! = "", $minutes: Int) {
  foodOrderStep(order: $order, to: $to, reason: $reason, readyInMinutes: $minutes) {
    __typename
    ... on FoodOrderStep { order { id status paymentStatus } ticket { <TICKET> } }
    ... on OperationError { code message details } } }""".replace("<TICKET>", TICKET)
DISH = """id name category: categoryId category_name: categoryName sold_out: soldOut stock
  available_now: availableNow unavailable_reason: unavailableReason price { value formatted }
  option_groups: optionGroups { id name required min_choices: minChoices max_choices: maxChoices
    options { id name price_delta: priceDelta price_delta_display: priceDeltaDisplay is_available: isAvailable } }
  menu_hours: menuHours { id name hours } images { id url }"""
BRANCH = """id name taking_orders: takingOrders paused open_now: openNow opens_at: opensAt
  delivery_radius_m: deliveryRadiusM min_order_amount: minOrderAmount { value formatted }"""
MENU = ("query($branch: Int!) { foodMenu(branch: $branch) { branch { <BRANCH> } "
        "categories { id name items { <DISH> } } } }").replace("<BRANCH>", BRANCH).replace("<DISH>", DISH)


@pytest.fixture
def world(db, tenant_beta, owner_beta):
    return food_world()


def rest_board(client, path="/api/v1/food/board/", **params) -> dict:
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    board = response.json()
    board.pop("now")
    for column in board["columns"]:
        for row in column["tickets"]:
            row["total"].pop("currency")
    return board


def graph_step(client, order_id: int, to: str, **variables) -> dict:
    return data(gql(client, STEP, {"order": order_id, "to": to, **variables}))["foodOrderStep"]


def tickets_seen(board: dict) -> set[int]:
    return {row["order"] for column in board["columns"] for row in column["tickets"]}


# --- Before ordering ----------------------------------------------------------------------


def _rest_dish(row: dict) -> dict:
    dish = {key: row[key] for key in ("id", "name", "category", "category_name", "sold_out", "stock",
                                      "available_now", "unavailable_reason", "option_groups", "menu_hours")}
    return {**dish, "price": {"value": row["price"], "formatted": row["price_display"]},
            "images": [{"id": image["id"], "url": image["url"]} for image in row["images"]]}


def _rest_branch(row: dict) -> dict:
    branch = {key: row[key] for key in ("id", "name", "taking_orders", "paused", "open_now", "opens_at",
                                        "delivery_radius_m")}
    return {**branch, "min_order_amount": {"value": row["min_order_amount"],
                                           "formatted": row["formatted"]["min_order_amount"]}}


def test_the_menu_through_graphql_is_the_rest_menu(world):
    from apps.catalog.models import Category
    from apps.food.services.menu import menu_period_save

    def setup():
        pasta = Category.objects.create(name="파스타", translations={"en": {"name": "Pasta"}}, position=1)
        Item.objects.filter(pk=world["dish"].pk).update(category=pasta)
        make_dish("Salad", 9000, options=False, is_sold_out=True)
        porridge = make_dish("Porridge", 7000, options=False)
        make_dish("South special", 9000, options=False).branches.set([world["south"]])
        menu_period_save(actor=None, name="Breakfast", hours=not_today(), items=[porridge.pk])

    in_beta(setup)
    north = world["north"].pk

    def both(language: str) -> tuple[dict, dict]:
        anyone = client_for("beta", HTTP_ACCEPT_LANGUAGE=language)
        rest = anyone.get(f"/api/v1/food/branches/{north}/menu/")
        assert rest.status_code == 200, rest.content
        rest = rest.json()
        graph = data(gql(anyone, MENU, {"branch": north}))["foodMenu"]
        expected = {"branch": _rest_branch(rest["branch"]),
                    "categories": [{"id": category["id"], "name": category["name"],
                                    "items": [_rest_dish(item) for item in category["items"]]}
                                   for category in rest["categories"]]}
        return graph, expected

    for language in ("en", "ko"):
        graph, expected = both(language)
        assert graph == expected, language
    dishes = {item["name"]: item for category in graph["categories"] for item in category["items"]}
    assert set(dishes) == {"Truffle pasta", "Salad", "Porridge"}  # not South's special
    assert dishes["Salad"]["unavailable_reason"] == "sold_out" and dishes["Salad"]["sold_out"]
    assert dishes["Porridge"]["unavailable_reason"] == "out_of_hours" and dishes["Porridge"]["menu_hours"]
    assert dishes["Truffle pasta"]["available_now"] and len(dishes["Truffle pasta"]["option_groups"]) == 2
    # a paused branch: nothing can be ordered, on both APIs alike
    in_beta(lambda: BranchOrdering.objects.filter(branch=world["north"]).update(paused=True, pause_reason="manual"))
    graph, expected = both("en")
    assert graph == expected
    assert {item["unavailable_reason"] for c in graph["categories"] for item in c["items"]} == {"paused"}
    # the branches anyone reads
    anyone = client_for("beta")
    rest = [_rest_branch(row) for row in anyone.get("/api/v1/food/branches/open/").json()]
    assert data(gql(anyone, "{ foodBranches { " + BRANCH + " } }"))["foodBranches"] == rest
    assert [row["name"] for row in rest] == ["North", "South"] and rest[0]["paused"]
    # an unknown branch is absent on both
    assert anyone.get("/api/v1/food/branches/999999/menu/").json()["error"]["code"] == "not_found"
    assert error_codes(gql(anyone, MENU, {"branch": 999999})) == ["not_found"]


# --- The kitchen board --------------------------------------------------------------------


def _orders(world):
    """Paid orders at North (a pickup, a delivery with options) and South."""
    north = paid_order(world)
    delivery = paid_order(world, fulfilment="delivery", options=("Large", "Bacon", "Mushrooms"))
    south = paid_order(world, branch=world["south"])
    return north, delivery, south


def test_the_board_is_the_rest_feed_for_every_caller(world):
    north, delivery, south = _orders(world)
    step(world["kitchen"], north, "accepted", ready_in_minutes=12)
    for who in ("owner", "kitchen", "kitchen_south", "cashier", "rider", "manager"):
        client = world[who]
        graph = data(gql(client, BOARD))["foodBoard"]
        assert graph == rest_board(client), who
    owner = data(gql(world["owner"], BOARD))["foodBoard"]
    assert tickets_seen(owner) == {north.pk, delivery.pk, south.pk}
    row = next(row for column in owner["columns"] for row in column["tickets"] if row["order"] == delivery.pk)
    assert row["lines"][0]["options"] == [{"group": "Size", "name": "Large"}, {"group": "Toppings", "name": "Bacon"},
                                          {"group": "Toppings", "name": "Mushrooms"}]
    assert row["accept_by"] and row["delivery"]["memo"] == "Ring twice"
    assert [(s["to"], s["reason_required"]) for s in row["steps"]] == [("accepted", False), ("rejected", True)]
    # the rider page: a delivery that is ready, with the one step a rider takes
    for status in ("accepted", "cooking", "ready"):
        step(world["kitchen"], delivery, status)
    rider = data(gql(world["rider"], RIDER))["foodRiderBoard"]
    assert rider == rest_board(world["rider"], "/api/v1/food/rider/")
    assert rider["columns"][0]["tickets"][0]["steps"][0]["to"] == "out_for_delivery"


def test_staff_of_one_branch_see_that_branch_only_on_both_apis(world):
    north, delivery, south = _orders(world)
    for who, sees in (("kitchen", {north.pk, delivery.pk}), ("kitchen_south", {south.pk}),
                      ("owner", {north.pk, delivery.pk, south.pk})):
        client = world[who]
        assert tickets_seen(data(gql(client, BOARD))["foodBoard"]) == tickets_seen(rest_board(client)) == sees, who
    kitchen, south_id = world["kitchen"], world["south"].pk
    assert kitchen.get("/api/v1/food/board/", {"branch": south_id}).json()["error"]["code"] == "not_found"
    assert error_codes(gql(kitchen, BOARD, {"branch": south_id})) == ["not_found"]
    assert error_codes(gql(kitchen, RIDER, {"branch": south_id})) == ["not_found"]
    one = data(gql(world["owner"], BOARD, {"branch": south_id}))["foodBoard"]
    assert tickets_seen(one) == {south.pk} and one == rest_board(world["owner"], branch=south_id)


def test_who_may_read_the_board(world):
    anonymous = client_for("beta")
    assert anonymous.get("/api/v1/food/board/").status_code == 401
    assert error_codes(gql(anonymous, BOARD)) == ["not_authenticated"]
    assert error_codes(gql(anonymous, RIDER)) == ["not_authenticated"]
    assert world["diner"].get("/api/v1/food/board/").json()["error"]["code"] == "permission_denied"
    assert error_codes(gql(world["diner"], BOARD)) == ["permission_denied"]
    assert world["diner"].get("/api/v1/food/rider/").json()["error"]["code"] == "permission_denied"
    assert error_codes(gql(world["diner"], RIDER)) == ["permission_denied"]
    for who in ("kitchen", "cashier"):  # the rider page as each role's REST answer says
        rest = world[who].get("/api/v1/food/rider/")
        graph = gql(world[who], RIDER)
        if rest.status_code == 200:
            assert data(graph)["foodRiderBoard"] == rest_board(world[who], "/api/v1/food/rider/"), who
        else:
            assert error_codes(graph) == [rest.json()["error"]["code"]], who


def test_the_board_costs_the_same_queries_whatever_the_number_of_orders(world):
    owner = world["owner"]
    paid_order(world)
    paid_order(world, fulfilment="delivery", branch=world["south"])
    data(gql(owner, BOARD))  # caches warm

    def count() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as queries:
            board = data(gql(owner, BOARD))["foodBoard"]
        return len(queries), board

    few, board = count()
    assert len(tickets_seen(board)) == 2
    for n in range(5):
        paid_order(world, fulfilment="delivery" if n % 2 else "pickup", options=("Large", "Parmesan"),
                   branch=world["south"] if n % 2 else world["north"])
    many, board = count()
    assert len(tickets_seen(board)) == 7
    assert many == few, f"{few} queries for 2 orders, {many} for 7"


# --- Steps --------------------------------------------------------------------------------


def _history(order) -> dict:
    def read():
        moves = [(move.from_status, move.to_status, move.actor_id, move.reason)
                 for move in Order.objects.get(pk=order.pk).transitions.order_by("pk")]
        events = [(event.name, event.data.get("order", {}).get("status"))
                  for event in Event.objects.filter(data__order__id=order.pk).order_by("pk")]
        refreshed = Order.objects.get(pk=order.pk)
        return {"status": refreshed.status, "payment_status": refreshed.payment_status,
                "refunded": refreshed.refunded_amount, "moves": moves, "events": events}

    return in_beta(read)


def test_a_step_through_graphql_changes_the_order_as_rest_does(world):
    kitchen = world["kitchen"]
    by_rest, by_graph = paid_order(world), paid_order(world)
    rest = step(kitchen, by_rest, "accepted", ready_in_minutes=15).json()
    graph = graph_step(kitchen, by_graph.pk, "accepted", minutes=15)
    assert graph["__typename"] == "FoodOrderStep"
    assert graph["order"] == {"id": by_graph.pk, "status": "accepted", "paymentStatus": "paid"}
    history = _history(by_graph)
    assert history == _history(by_rest) and history["moves"][-1][1] == "accepted"
    assert ("order.status_changed", "accepted") in history["events"]
    ignored = ("order", "number", *(key for key in graph["ticket"] if key.endswith(("_at", "_by"))))
    rest_row = {key: value for key, value in rest["ticket"].items() if key not in ignored}
    rest_row["total"].pop("currency")
    assert {key: value for key, value in graph["ticket"].items() if key not in ignored} == rest_row
    assert graph["ticket"]["ready_by"] and [s["to"] for s in graph["ticket"]["steps"]] == ["cooking"]
    # on to the end, as the board's buttons go: the cashier cooks, the kitchen hands it over
    assert graph_step(world["cashier"], by_graph.pk, "cooking")["order"]["status"] == "cooking"
    assert graph_step(kitchen, by_graph.pk, "ready")["ticket"]["steps"] == [
        {"to": "picked_up", "label": "Picked up", "reason_required": False}]
    done = graph_step(kitchen, by_graph.pk, "picked_up")
    assert done["order"]["status"] == "picked_up" and done["ticket"]["steps"] == []
    # rejecting with a reason refunds everything, as REST does
    first, second = paid_order(world), paid_order(world)
    step(kitchen, first, "rejected", reason="Out of truffles")
    rejected = graph_step(kitchen, second.pk, "rejected", reason="Out of truffles")
    assert rejected["order"] == {"id": second.pk, "status": "rejected", "paymentStatus": "refunded"}
    assert _history(second) == {**_history(first), "refunded": second.total}
    # a delivery: the rider who took it out alone delivers it
    delivery = paid_order(world, fulfilment="delivery")
    for status in ("accepted", "cooking", "ready"):
        graph_step(kitchen, delivery.pk, status)
    out = graph_step(world["rider"], delivery.pk, "out_for_delivery")
    assert out["ticket"]["rider"] == "Park Minho" and out["ticket"]["delivered_by"]
    assert graph_step(world["rider_two"], delivery.pk, "delivered")["code"] == "food_not_the_rider"
    assert graph_step(world["rider"], delivery.pk, "delivered")["order"]["status"] == "delivered"


def test_refused_steps_answer_the_rest_codes_and_change_nothing(world):
    order = paid_order(world)
    theirs = paid_order(world, branch=world["south"])
    unpaid = in_beta(lambda: place(branch=world["north"], item=world["dish"], customer=world["customer"]))
    cases = [  # caller, order, body, the code both APIs answer
        ("kitchen", order, {"to": "ready"}, "order_illegal_transition"),
        ("kitchen", order, {"to": "placed"}, "validation_error"),
        ("kitchen", order, {"to": "bogus"}, "validation_error"),
        ("kitchen", order, {"to": "accepted", "ready_in_minutes": 0}, "validation_error"),
        ("kitchen", order, {"to": "rejected"}, "validation_error"),
        ("kitchen", order, {"to": "cancelled", "reason": "   "}, "validation_error"),
        ("kitchen", order, {"to": "out_for_delivery"}, "order_illegal_transition"),
        ("rider", order, {"to": "accepted"}, "permission_denied"),
        ("diner", order, {"to": "accepted"}, "permission_denied"),
        ("kitchen", theirs, {"to": "accepted"}, "not_found"),
        ("kitchen", theirs, {"to": "rejected", "reason": "Not ours"}, "not_found"),
        ("cashier", theirs, {"to": "accepted"}, "not_found"),
        ("kitchen", unpaid, {"to": "accepted"}, "food_not_at_kitchen"),
    ]
    before = {pk: _history(target) for pk, target in ((o.pk, o) for o in (order, theirs, unpaid))}
    for who, target, body, code in cases:
        client = world[who]
        rest = client.post(f"/api/v1/food/orders/{target.pk}/step/", body, content_type=JSON).json()["error"]
        variables = {"minutes": body.get("ready_in_minutes"), **({"reason": body["reason"]} if "reason" in body
                                                                 else {})}
        graph = graph_step(client, target.pk, body["to"], **variables)
        assert graph["__typename"] == "OperationError" and graph["code"] == rest["code"] == code, (who, body, graph)
        assert graph["message"] == rest["message"] and (graph["details"] or {}) == (rest["details"] or {}), body
    assert {o.pk: _history(o) for o in (order, theirs, unpaid)} == before
    missing = graph_step(world["kitchen"], 999999, "accepted")
    assert missing["code"] == "not_found" and missing["details"] == {"order": 999999}
    anonymous = client_for("beta")
    assert anonymous.post(f"/api/v1/food/orders/{order.pk}/step/", {"to": "accepted"},
                          content_type=JSON).json()["error"]["code"] == "not_authenticated"
    assert graph_step(anonymous, order.pk, "accepted")["code"] == "not_authenticated"


def test_another_workspaces_orders_and_callers_get_nothing(world, owner_alpha):
    beta_order = paid_order(world)
    # an academy's order, numbered past every order of the restaurant, asked of the restaurant
    beyond = in_beta(lambda: Order.objects.aggregate(last=Max("pk"))["last"]) + 1000
    with schema_context("alpha"), connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('orders_order', 'id'), %s)", [beyond])
    connection.set_schema_to_public()
    alpha_menu = make_menu("alpha")
    alpha_owner = api("alpha", "owner@alpha.test")
    placed = alpha_owner.post("/api/v1/orders/", {"lines": [{"item": alpha_menu["tea"].pk, "quantity": 1}],
                                                  "fulfilment": "pickup"}, content_type=JSON)
    assert placed.status_code == 201, placed.content
    alpha_id = placed.json()["id"]
    assert not in_beta(lambda: Order.objects.filter(pk=alpha_id).exists())
    owner = world["owner"]
    rest = owner.post(f"/api/v1/food/orders/{alpha_id}/step/", {"to": "accepted"}, content_type=JSON)
    assert rest.status_code == 404 and rest.json()["error"]["code"] == "not_found"
    assert graph_step(owner, alpha_id, "accepted")["code"] == "not_found"
    # the restaurant's order asked of the academy: no food there at all, on either API
    rest = alpha_owner.post(f"/api/v1/food/orders/{beta_order.pk}/step/", {"to": "accepted"}, content_type=JSON)
    assert rest.status_code == 404 and rest.json()["error"]["code"] == "not_found"
    assert graph_step(alpha_owner, beta_order.pk, "accepted")["code"] == "not_found"
    assert error_codes(gql(alpha_owner, BOARD)) == ["not_found"]
    assert error_codes(gql(client_for("alpha"), MENU, {"branch": world["north"].pk})) == ["not_found"]
    # the restaurant's credentials on the academy's host are refused before any field
    token = owner.defaults["HTTP_AUTHORIZATION"]
    on_alpha = gql(client_for("alpha"), STEP, {"order": beta_order.pk, "to": "accepted"}, HTTP_AUTHORIZATION=token)
    assert on_alpha.status_code == 401 and on_alpha.json()["error"]["code"] == "token_tenant_mismatch"
    assert in_beta(lambda: Order.objects.get(pk=beta_order.pk).status) == "placed"
