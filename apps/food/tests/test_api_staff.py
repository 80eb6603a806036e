"""Menu hours, the sold-out switch, branch ordering rules and pauses over HTTP: who may
(manager, kitchen, rider, cashier), which branches they reach, audit rows, and bad input
refused with nothing changed."""

from __future__ import annotations

import pytest

from apps.audit.models import AuditEvent
from apps.catalog.models import Item
from apps.food.models import BranchOrdering, MenuPeriod

from .api_world import JSON, error, food_world, in_beta, ok


@pytest.fixture
def world(db, tenant_beta, owner_beta):
    return food_world()


def actions(prefix: str) -> list[str]:
    """What the staff of the world did (the setup's own rows have no actor)."""
    return list(AuditEvent.objects.filter(action__startswith=prefix, actor_email__endswith="@food.test")
                .order_by("pk").values_list("action", flat=True))


# --- Menu hours ---------------------------------------------------------------------------


def test_menu_hours_are_kept_by_the_manager_and_read_by_the_kitchen(world):
    dish = world["dish"].pk
    body = {"name": "아침", "translations": {"en": {"name": "Breakfast"}}, "hours": {"mon": ["07:00-10:30"]},
            "items": [dish]}
    made = ok(world["manager"].post("/api/v1/food/menu-hours/", body, content_type=JSON), 201)
    assert (made["name"], made["items"], made["is_active"], made["hours"]) == ("아침", [dish], True,
                                                                              {"mon": ["07:00-10:30"]})
    listed = ok(world["kitchen"].get("/api/v1/food/menu-hours/"))["results"]
    assert [row["id"] for row in listed] == [made["id"]]
    path = f"/api/v1/food/menu-hours/{made['id']}/"
    assert ok(world["kitchen"].get(path))["name"] == "아침"
    changed = ok(world["manager"].patch(path, {"hours": {"sat": ["08:00-11:00"]}, "items": []}, content_type=JSON))
    assert changed["hours"] == {"sat": ["08:00-11:00"]} and changed["items"] == [] and changed["name"] == "아침"
    # the kitchen reads, never writes; a rider does not even read
    error(world["kitchen"].post("/api/v1/food/menu-hours/", body, content_type=JSON), 403, "permission_denied")
    error(world["kitchen"].patch(path, {"name": "x"}, content_type=JSON), 403, "permission_denied")
    error(world["kitchen"].delete(path), 403, "permission_denied")
    error(world["rider"].get("/api/v1/food/menu-hours/"), 403, "permission_denied")
    assert world["manager"].delete(path).status_code == 204
    assert in_beta(MenuPeriod.objects.count) == 0
    assert actions("food.menu_hours") == ["food.menu_hours_saved", "food.menu_hours_saved",
                                                   "food.menu_hours_deleted"]
    error(world["manager"].get(path), 404, "not_found")


@pytest.mark.parametrize("body, field", [
    ({"name": "Lunch", "hours": {"mon": ["12:00-11:00"]}}, "hours"),
    ({"name": "Lunch", "hours": {"someday": ["11:00-14:00"]}}, "hours"),
    ({"name": "Lunch", "hours": {"mon": "11:00-14:00"}}, "hours"),
    ({"name": "Lunch", "hours": ["mon"]}, "hours"),
    ({"name": "Lunch", "hours": {}, "items": [999999]}, "items"),
    ({"name": "Lunch", "hours": {}, "items": ["one"]}, "items"),
    ({"name": "", "hours": {}}, "name"),
    ({"name": 5, "hours": {}}, "name"),
    ({"name": "Lunch", "hours": {}, "translations": {"xx": {"name": "?"}}}, "translations"),
    ({"name": "Lunch", "hours": {}, "translations": {"en": {"title": "?"}}}, "translations"),
])
def test_menu_hours_refuse_bad_input(world, body, field):
    response = world["manager"].post("/api/v1/food/menu-hours/", body, content_type=JSON)
    assert field in error(response, 400, "validation_error")["details"]
    assert in_beta(MenuPeriod.objects.count) == 0


def test_menu_hours_take_menu_items_only(world):
    product = in_beta(Item.objects.create, name="Gift card", price=10000)
    response = world["manager"].post("/api/v1/food/menu-hours/", {"name": "Lunch", "hours": {},
                                                                   "items": [product.pk]}, content_type=JSON)
    assert "items" in error(response, 400, "validation_error")["details"]


# --- Sold out -----------------------------------------------------------------------------


def test_the_kitchen_marks_a_dish_sold_out_and_back(world):
    path = f"/api/v1/food/items/{world['dish'].pk}/sold-out/"
    assert ok(world["kitchen"].post(path, {"sold_out": True}, content_type=JSON)) == {
        "id": world["dish"].pk, "name": "Truffle pasta", "sold_out": True}
    assert in_beta(Item.objects.get, pk=world["dish"].pk).is_sold_out
    board = ok(world["kitchen"].get("/api/v1/food/board/"))
    assert [row["id"] for row in board["sold_out"]] == [world["dish"].pk]
    assert ok(world["cashier"].post(path, {"sold_out": False}, content_type=JSON))["sold_out"] is False
    assert actions("catalog.item_") == ["catalog.item_sold_out", "catalog.item_back_on_sale"]
    error(world["rider"].post(path, {"sold_out": True}, content_type=JSON), 403, "permission_denied")
    error(world["kitchen"].post(path, {"sold_out": "maybe"}, content_type=JSON), 400, "validation_error")
    error(world["kitchen"].post(path, {}, content_type=JSON), 400, "validation_error")
    error(world["kitchen"].post("/api/v1/food/items/999999/sold-out/", {"sold_out": True}, content_type=JSON),
          404, "not_found")
    product = in_beta(Item.objects.create, name="Gift card", price=10000)
    refused = world["kitchen"].post(f"/api/v1/food/items/{product.pk}/sold-out/", {"sold_out": True},
                                    content_type=JSON)
    assert error(refused, 422, "food_not_a_menu_item")["details"] == {"item": product.pk, "kind": "product"}
    assert not in_beta(Item.objects.get, pk=product.pk).is_sold_out


# --- Ordering rules -----------------------------------------------------------------------


def test_each_role_reads_the_rules_of_its_branches(world):
    north, south = world["north"].pk, world["south"].pk
    mine = ok(world["kitchen"].get("/api/v1/food/branches/"))
    assert [row["branch"] for row in mine] == [north]
    assert mine[0]["delivery"] is True and mine[0]["delivery_fee"] == 3000 and mine[0]["open_now"] is True
    assert mine[0]["formatted"]["min_order_amount"] == "₩10,000" and mine[0]["taking_orders"] is True
    assert {row["branch"] for row in ok(world["owner"].get("/api/v1/food/branches/"))} >= {north, south}
    assert ok(world["cashier"].get(f"/api/v1/food/branches/{north}/ordering/"))["branch_name"] == "North"
    error(world["kitchen"].get(f"/api/v1/food/branches/{south}/ordering/"), 404, "not_found")
    error(world["rider"].get("/api/v1/food/branches/"), 403, "permission_denied")
    error(world["diner"].get("/api/v1/food/branches/"), 403, "permission_denied")


def test_the_manager_changes_the_rules_of_their_branch(world):
    north, south = world["north"].pk, world["south"].pk
    path = f"/api/v1/food/branches/{north}/ordering/"
    body = {"delivery_bands": [{"up_to_m": 1000, "fee": 2000}, {"up_to_m": 2500, "fee": 3500}],
            "min_order_amount": 15000, "prep_minutes": 25, "latitude": "37.54412345678", "longitude": 127.0559}
    changed = ok(world["manager"].patch(path, body, content_type=JSON))
    assert changed["delivery_bands"] == body["delivery_bands"] and changed["min_order_amount"] == 15000
    assert (changed["latitude"], changed["longitude"]) == ("37.544123", "127.055900")
    assert in_beta(BranchOrdering.objects.get, branch_id=north).prep_minutes == 25
    assert actions("food.ordering") == ["food.ordering_changed"]
    error(world["kitchen"].patch(path, {"prep_minutes": 5}, content_type=JSON), 403, "permission_denied")
    error(world["manager"].patch(f"/api/v1/food/branches/{south}/ordering/", {"prep_minutes": 5},
                                 content_type=JSON), 404, "not_found")
    assert in_beta(BranchOrdering.objects.get, branch_id=south).prep_minutes == 20


@pytest.mark.parametrize("body, field", [
    ({"delivery_bands": [{"up_to_m": 2000, "fee": 2000}, {"up_to_m": 1000, "fee": 3000}]}, "delivery_bands"),
    ({"delivery_bands": [{"up_to_m": 1000}]}, "delivery_bands"),
    ({"delivery_bands": "near"}, "delivery_bands"),
    ({"pickup": False, "delivery": False}, "pickup"),
    ({"latitude": None, "longitude": None}, "latitude"),
    ({"latitude": "91"}, "latitude"),
    ({"longitude": "east"}, "longitude"),
    ({"prep_minutes": 0}, "prep_minutes"),
    ({"min_order_amount": -1}, "min_order_amount"),
    ({"delivery_radius_m": 10}, "delivery_radius_m"),
    ({"delivery": "yes please"}, "delivery"),
])
def test_rules_refuse_bad_input_and_change_nothing(world, body, field):
    path = f"/api/v1/food/branches/{world['north'].pk}/ordering/"
    before = in_beta(lambda: BranchOrdering.objects.filter(branch=world["north"]).values().get())
    assert field in error(world["manager"].patch(path, body, content_type=JSON), 400, "validation_error")["details"]
    after = in_beta(lambda: BranchOrdering.objects.filter(branch=world["north"]).values().get())
    assert before == after


def test_pause_and_resume(world):
    north = world["north"].pk
    paused = ok(world["manager"].post(f"/api/v1/food/branches/{north}/pause/", {"note": "Oven broken"},
                                      content_type=JSON))
    assert paused["paused"] and paused["pause_reason"] == "manual" and not paused["taking_orders"]
    assert paused["pause_reason_label"] == "Paused by staff" and paused["paused_at"]
    assert ok(world["kitchen"].get("/api/v1/food/board/"))["branches"][0]["paused"] is True
    error(world["kitchen"].post(f"/api/v1/food/branches/{north}/resume/"), 403, "permission_denied")
    error(world["manager"].post(f"/api/v1/food/branches/{world['south'].pk}/pause/", {}, content_type=JSON),
          404, "not_found")
    error(world["manager"].post(f"/api/v1/food/branches/{north}/pause/", {"note": 1}, content_type=JSON),
          400, "validation_error")
    resumed = ok(world["manager"].post(f"/api/v1/food/branches/{north}/resume/"))
    assert not resumed["paused"] and resumed["taking_orders"]
    assert actions("food.ordering") == ["food.ordering_paused", "food.ordering_resumed"]
    assert in_beta(AuditEvent.objects.filter(action="food.ordering_paused").get).metadata["note"] == "Oven broken"


def test_an_api_key_reads_every_branch(world):
    from tests.workspace import api_key_client

    client, _key = api_key_client("beta", ["ordering:view", "ticket:view"])
    assert {row["branch"] for row in ok(client.get("/api/v1/food/branches/"))} >= {world["north"].pk,
                                                                                    world["south"].pk}
    assert ok(client.get("/api/v1/food/board/"))["columns"][0]["status"] == "placed"
    error(client.patch(f"/api/v1/food/branches/{world['north'].pk}/ordering/", {"prep_minutes": 5},
                       content_type=JSON), 403, "permission_denied")
