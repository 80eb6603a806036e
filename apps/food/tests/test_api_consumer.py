"""What customers do over HTTP: read the branches and a branch's menu with what can be
ordered now (a constant number of queries), ask for a delivery quote, place a delivery
order at /api/v1/orders/ and meet every food rule as a clean refusal with nothing made,
track their order, and order it again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.branches.models import Branch
from apps.catalog.models import Item
from apps.food.models import BranchOrdering
from apps.orders.models import Order
from tests.plugin import client_for

from .api_world import DELIVERY, JSON, error, food_world, in_beta, not_today, ok, paid_order, step
from .conftest import FAR, NEAR, make_dish, option_ids


@pytest.fixture
def world(db, tenant_beta, owner_beta):
    return food_world()


@pytest.fixture
def anyone(db):
    return client_for("beta")


def set_rules(branch, **fields):
    in_beta(lambda: BranchOrdering.objects.filter(branch=branch).update(**fields))


def set_hours(branch, hours):
    in_beta(lambda: Branch.objects.filter(pk=branch.pk).update(opening_hours=hours))


def served_at(hours, *items):
    from apps.food.services.menu import menu_period_save

    return in_beta(menu_period_save, actor=None, name="Breakfast", hours=hours, items=[item.pk for item in items])


# --- Before ordering ----------------------------------------------------------------------


def test_anyone_reads_the_branches_and_how_they_take_orders(world, anyone):
    from apps.food.services.ordering import ordering_pause, ordering_update

    in_beta(lambda: ordering_update(branch=world["north"], actor=None, delivery_bands=[
        {"up_to_m": 1000, "fee": 2000}, {"up_to_m": 2500, "fee": 3500}]))
    in_beta(lambda: ordering_pause(branch=world["south"], actor=None))
    set_hours(world["south"], not_today())
    rows = {row["name"]: row for row in ok(anyone.get("/api/v1/food/branches/open/"))}
    north, south = rows["North"], rows["South"]
    assert (north["pickup"], north["delivery"], north["min_order_amount"]) == (True, True, 10000)
    assert north["delivery_radius_m"] == 2500 and north["delivery_bands"][0] == {"up_to_m": 1000, "fee": 2000}
    assert north["taking_orders"] and north["open_now"] and north["opens_at"] is None
    assert north["formatted"]["min_order_amount"] == "₩10,000" and north["currency"] == "KRW"
    assert south["paused"] and not south["open_now"] and not south["taking_orders"] and south["opens_at"]
    in_beta(lambda: Branch.objects.filter(pk=world["south"].pk).update(is_active=False))
    assert "South" not in {row["name"] for row in ok(anyone.get("/api/v1/food/branches/open/"))}
    error(anyone.post("/api/v1/food/branches/open/", {}, content_type=JSON), 405, "method_not_allowed")


def test_a_branch_menu_says_what_can_be_ordered_now(world, anyone):
    from apps.catalog.models import Category

    def setup():
        pasta = Category.objects.create(name="파스타", translations={"en": {"name": "Pasta"}}, position=1)
        Item.objects.filter(pk=world["dish"].pk).update(category=pasta)
        salad = make_dish("Salad", 9000, options=False, is_sold_out=True)
        porridge = make_dish("Porridge", 7000, options=False)
        elsewhere = make_dish("South special", 9000, options=False)
        elsewhere.branches.set([world["south"]])
        return salad, porridge

    salad, porridge = in_beta(setup)
    served_at(not_today(), porridge)
    menu = ok(anyone.get(f"/api/v1/food/branches/{world['north'].pk}/menu/?lang=en"))
    assert menu["branch"]["name"] == "North" and menu["branch"]["taking_orders"]
    assert [(c["name"], [i["name"] for i in c["items"]]) for c in menu["categories"]] == [
        ("Pasta", ["Truffle pasta"]), ("Other dishes", ["Salad", "Porridge"])]
    pasta = menu["categories"][0]["items"][0]
    assert pasta["available_now"] and pasta["unavailable_reason"] == "" and pasta["menu_hours"] == []
    size, toppings = pasta["option_groups"]
    assert (size["required"], size["min_choices"], size["max_choices"]) == (True, 1, 1)
    assert [(o["name"], o["price_delta"], o["price_delta_display"]) for o in size["options"]] == [
        ("Regular", 0, ""), ("Large", 4000, "+₩4,000")]
    assert toppings["max_choices"] == 2
    dishes = {i["name"]: i for c in menu["categories"] for i in c["items"]}
    assert (dishes["Salad"]["sold_out"], dishes["Salad"]["unavailable_reason"]) == (True, "sold_out")
    assert dishes["Porridge"]["unavailable_reason"] == "out_of_hours"
    assert dishes["Porridge"]["menu_hours"][0]["name"] == "Breakfast"
    # a paused branch, then a closed one: nothing can be ordered
    set_rules(world["north"], paused=True, pause_reason="manual")
    menu = ok(anyone.get(f"/api/v1/food/branches/{world['north'].pk}/menu/"))
    assert {i["unavailable_reason"] for c in menu["categories"] for i in c["items"]} == {"paused"}
    set_hours(world["north"], not_today())
    menu = ok(anyone.get(f"/api/v1/food/branches/{world['north'].pk}/menu/"))
    assert {i["available_now"] for c in menu["categories"] for i in c["items"]} == {False}
    assert menu["branch"]["opens_at"]
    error(anyone.get("/api/v1/food/branches/999999/menu/"), 404, "not_found")
    error(anyone.get(f"/api/v1/food/branches/{world['north'].pk}/menu/?lang=xx"), 400, "validation_error")


def test_the_menu_costs_the_same_queries_whatever_its_length(world, anyone):
    path = f"/api/v1/food/branches/{world['north'].pk}/menu/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            ok(anyone.get(path))
        return len(queries)

    served_at({}, world["dish"])
    small = count()
    in_beta(lambda: [make_dish(f"Dish {n}", 10000 + n) for n in range(6)])
    served_at({}, *in_beta(lambda: list(Item.objects.all())))
    assert count() == small


def test_a_delivery_quote(world, anyone):
    from apps.food.services.ordering import ordering_update

    path = f"/api/v1/food/branches/{world['north'].pk}/delivery-quote/"
    inside = ok(anyone.post(path, NEAR, content_type=JSON))
    assert inside["inside"] and inside["fee"] == 3000 and inside["fee_display"] == "₩3,000"
    assert 300 < inside["distance_m"] < 700 and inside["radius_m"] == 3000 and inside["minimum"] == 10000
    outside = ok(anyone.post(path, FAR, content_type=JSON))
    assert not outside["inside"] and outside["fee"] is None and outside["distance_m"] > 3000
    in_beta(lambda: ordering_update(branch=world["north"], actor=None, delivery_bands=[
        {"up_to_m": 400, "fee": 1000}, {"up_to_m": 1000, "fee": 2500}]))
    assert ok(anyone.post(path, NEAR, content_type=JSON))["fee"] == 2500
    error(anyone.post(path, {"latitude": "91", "longitude": "127"}, content_type=JSON), 400, "validation_error")
    error(anyone.post(path, {"latitude": "north"}, content_type=JSON), 400, "validation_error")
    error(anyone.post("/api/v1/food/branches/999999/delivery-quote/", NEAR, content_type=JSON), 404, "not_found")
    set_rules(world["north"], delivery=False)
    refused = error(anyone.post(path, NEAR, content_type=JSON), 422, "food_fulfilment_unavailable")
    assert refused["details"]["offered"] == ["pickup"]


# --- Ordering at /api/v1/orders/ ------------------------------------------------------------


def order_body(world, *, fulfilment="delivery", options=("Regular",), delivery=None, item=None):
    item = item or world["dish"]
    body = {"lines": [{"item": item.pk, "quantity": 1, "options": in_beta(option_ids, item, *options)}],
            "fulfilment": fulfilment, "branch": world["north"].pk}
    if fulfilment == "delivery":
        body["delivery"] = delivery or DELIVERY
    return body


def test_a_consumer_orders_a_delivery_with_its_spot(world):
    placed = ok(world["diner"].post("/api/v1/orders/", order_body(world, options=("Large", "Bacon")),
                                    content_type=JSON), 201)
    assert placed["flow"] == "food" and placed["fee_total"] == 3000 and placed["total"] == 19000 + 4000 + 2000 + 3000
    assert placed["delivery"]["latitude"] == "37.547000" and placed["fees"][0]["code"] == "delivery"
    with_numbers = {**DELIVERY, "latitude": 37.5470001234, "longitude": 127.06}
    assert ok(world["diner"].post("/api/v1/orders/", order_body(world, delivery=with_numbers), content_type=JSON),
              201)["delivery"]["longitude"] == "127.06"


@pytest.mark.parametrize("case, status, code", [
    ("closed", 409, "food_branch_closed"),
    ("below_minimum", 422, "food_below_minimum"),
    ("outside", 422, "food_outside_delivery_area"),
    ("paused", 409, "food_ordering_paused"),
    ("no_delivery", 422, "food_fulfilment_unavailable"),
    ("out_of_hours", 409, "food_item_out_of_hours"),
    ("two_sizes", 422, "option_choices"),
    ("no_size", 422, "option_choices"),
    ("three_toppings", 422, "option_choices"),
    ("sold_out", 409, "item_unavailable"),
    ("no_spot", 422, "food_location_required"),
    ("bad_spot", 400, "validation_error"),
])
def test_every_food_rule_refuses_cleanly_and_makes_nothing(world, case, status, code):
    options, delivery = ("Regular",), None
    if case == "closed":
        set_hours(world["north"], not_today())
    elif case == "below_minimum":
        set_rules(world["north"], min_order_amount=50000)
    elif case == "outside":
        delivery = {**DELIVERY, **FAR}
    elif case == "paused":
        set_rules(world["north"], paused=True, pause_reason="manual")
    elif case == "no_delivery":
        set_rules(world["north"], delivery=False)
    elif case == "out_of_hours":
        served_at(not_today(), world["dish"])
    elif case == "two_sizes":
        options = ("Regular", "Large")
    elif case == "no_size":
        options = ("Bacon",)
    elif case == "three_toppings":
        options = ("Regular", "Bacon", "Mushrooms", "Parmesan")
    elif case == "sold_out":
        in_beta(lambda: Item.objects.filter(pk=world["dish"].pk).update(is_sold_out=True))
    elif case == "no_spot":
        delivery = {"address": "7 Seongsu-ro", "phone": "010-1234-5678"}
    elif case == "bad_spot":
        delivery = {**DELIVERY, "latitude": "ninety"}
    response = world["diner"].post("/api/v1/orders/", order_body(world, options=options, delivery=delivery),
                                   content_type=JSON)
    refused = error(response, status, code)
    assert refused["message"]
    assert in_beta(Order.objects.count) == 0


# --- Tracking --------------------------------------------------------------------------------


def test_a_consumer_tracks_their_order_step_by_step(world):
    order = paid_order(world, fulfilment="delivery")
    path = f"/api/v1/my/orders/{order.pk}/tracking/"
    placed = ok(world["diner"].get(path))
    assert (placed["status"], placed["can_cancel"], placed["finished"]) == ("placed", True, False)
    assert [s["status"] for s in placed["next_steps"]] == ["accepted", "cooking", "ready", "out_for_delivery",
                                                          "delivered"]
    assert placed["estimate"] == {"ready_by": None, "delivered_by": None, "text": ""}
    ok(step(world["kitchen"], order, "accepted", ready_in_minutes=15))
    accepted = ok(world["diner"].get(path, HTTP_ACCEPT_LANGUAGE="en"))
    assert accepted["estimate"]["ready_by"] and accepted["estimate"]["text"].startswith("Ready to go out around")
    assert [s["status"] for s in accepted["steps"]] == ["placed", "accepted"] and not accepted["can_cancel"]
    assert accepted["branch"]["name"] == "North" and accepted["rider"] == ""
    for status in ("cooking", "ready", "out_for_delivery"):
        ok(step(world["rider"] if status == "out_for_delivery" else world["kitchen"], order, status))
    out = ok(world["diner"].get(path, HTTP_ACCEPT_LANGUAGE="en"))
    assert out["rider"] == "Park" and out["estimate"]["delivered_by"] and out["estimate"]["ready_by"] is None
    assert out["estimate"]["text"].startswith("Expected at your door around")
    ok(step(world["rider"], order, "delivered"))
    done = ok(world["diner"].get(path))
    assert done["finished"] and done["next_steps"] == [] and done["rider"] == "" and len(done["steps"]) == 6


def test_tracking_a_rejected_order_shows_why(world):
    order = paid_order(world)
    ok(step(world["kitchen"], order, "rejected", reason="Out of truffles"))
    tracked = ok(world["diner"].get(f"/api/v1/my/orders/{order.pk}/tracking/"))
    assert tracked["steps"][-1] == {**tracked["steps"][-1], "status": "rejected", "reason": "Out of truffles"}
    assert tracked["finished"] and tracked["payment_status"] == "refunded"


def test_only_my_own_orders_are_tracked(world):
    from .api_world import make_consumer

    order = paid_order(world)
    other, _customer = make_consumer("other@food.test", "Lee Other")
    error(other.get(f"/api/v1/my/orders/{order.pk}/tracking/"), 404, "not_found")
    error(other.post(f"/api/v1/my/orders/{order.pk}/reorder/"), 404, "not_found")
    error(world["kitchen"].get(f"/api/v1/my/orders/{order.pk}/tracking/"), 403, "not_a_consumer")
    error(client_for("beta").get(f"/api/v1/my/orders/{order.pk}/tracking/"), 401, "not_authenticated")
    error(world["diner"].get("/api/v1/my/orders/999999/tracking/"), 404, "not_found")


# --- Reorder --------------------------------------------------------------------------------


def test_a_consumer_orders_again_what_is_still_on_sale(world):
    from apps.audit.models import AuditEvent

    def setup():
        salad = make_dish("Salad", 9000, options=False)
        from .conftest import place

        order = place(branch=world["north"], item=world["dish"], options=("Large", "Bacon"),
                      customer=world["customer"], fulfilment="delivery", delivery=DELIVERY)
        order.lines.create(item=salad, item_name="Salad", item_kind="menu_item", unit_price=9000, quantity=2,
                           line_total=18000, position=1)
        Item.objects.filter(pk=salad.pk).update(is_sold_out=True)
        return order

    old = in_beta(setup)
    path = f"/api/v1/my/orders/{old.pk}/reorder/"
    again = ok(world["diner"].post(path, HTTP_IDEMPOTENCY_KEY="reorder-1"), 201)
    new = again["order"]
    assert new["id"] != old.pk and new["flow"] == "food" and new["fulfilment"] == "delivery"
    assert new["branch"] == world["north"].pk and new["delivery"]["latitude"] == DELIVERY["latitude"]
    assert [(line["item_name"], [o["name"] for o in line["options"]]) for line in new["lines"]] == [
        ("Truffle pasta", ["Large", "Bacon"])]
    assert again["skipped"] == [{"name": "Salad", "reason": "item_unavailable", "message": "“Salad” is sold out."}]
    replay = ok(world["diner"].post(path, HTTP_IDEMPOTENCY_KEY="reorder-1"), 200)
    assert replay["order"]["id"] == new["id"]
    assert in_beta(Order.objects.count) == 2
    audit = AuditEvent.objects.get(action="food.order_reordered")
    assert audit.metadata["from_order"] == old.pk and audit.target_id == str(new["id"])
    # nothing left: the dish sold out too
    in_beta(lambda: Item.objects.filter(pk=world["dish"].pk).update(is_sold_out=True))
    refused = error(world["diner"].post(path), 409, "food_nothing_to_reorder")
    assert [row["name"] for row in refused["details"]["skipped"]] == ["Truffle pasta", "Salad"]
    assert in_beta(Order.objects.count) == 2


def test_a_reorder_meets_the_food_rules(world):
    old = paid_order(world, options=("Regular", "Bacon"))
    set_hours(world["north"], not_today())
    error(world["diner"].post(f"/api/v1/my/orders/{old.pk}/reorder/"), 409, "food_branch_closed")
    set_hours(world["north"], {})
    set_rules(world["north"], min_order_amount=100000)
    error(world["diner"].post(f"/api/v1/my/orders/{old.pk}/reorder/"), 422, "food_below_minimum")
    error(world["diner"].post(f"/api/v1/my/orders/{old.pk}/reorder/", HTTP_IDEMPOTENCY_KEY="x" * 300), 400,
          "validation_error")
    assert in_beta(Order.objects.count) == 1


def test_a_reorder_leaves_out_what_is_not_served_now_or_not_in_stock(world):
    def setup():
        porridge = make_dish("Porridge", 7000, options=False)
        soup = make_dish("Soup", 8000, options=False, stock=1)
        order = paid_order(world)
        order.lines.create(item=porridge, item_name="Porridge", item_kind="menu_item", unit_price=7000, quantity=1,
                           line_total=7000, position=1)
        order.lines.create(item=soup, item_name="Soup", item_kind="menu_item", unit_price=8000, quantity=2,
                           line_total=16000, position=2)
        order.lines.create(item=None, item_name="Old special", item_kind="menu_item", unit_price=5000, quantity=1,
                           line_total=5000, position=3)
        return order, porridge

    old, porridge = in_beta(setup)
    served_at(not_today(), porridge)
    again = ok(world["diner"].post(f"/api/v1/my/orders/{old.pk}/reorder/"), 201)
    assert [line["item_name"] for line in again["order"]["lines"]] == ["Truffle pasta"]
    assert [(row["name"], row["reason"]) for row in again["skipped"]] == [
        ("Porridge", "food_item_out_of_hours"), ("Soup", "out_of_stock"), ("Old special", "unknown_item")]
    assert again["skipped"][1]["message"] == "Only 1 of “Soup” left."
