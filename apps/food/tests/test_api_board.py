"""The kitchen board and the rider page over HTTP: what each role sees (its branches
only), the ETag handshake (304 builds nothing), every step with its permission, reasons
for rejecting and cancelling (refunded), and the flow's refusals."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.food.models import BranchOrdering, Ticket
from apps.orders.models import Order

from .api_world import error, food_world, in_beta, ok, paid_order, step
from .conftest import place


@pytest.fixture
def world(db, tenant_beta, owner_beta):
    return food_world()


def numbers(board: dict) -> dict[str, list[int]]:
    return {column["status"]: [row["order"] for row in column["tickets"]] for column in board["columns"]}


def test_the_kitchen_sees_its_branch_only_and_polls_with_an_etag(world):
    mine = paid_order(world)
    theirs = paid_order(world, branch=world["south"])
    response = world["kitchen"].get("/api/v1/food/board/")
    board = ok(response)
    assert numbers(board)["placed"] == [mine.pk]
    assert [branch["name"] for branch in board["branches"]] == ["North"]
    row = board["columns"][0]["tickets"][0]
    assert [s["to"] for s in row["steps"]] == ["accepted", "rejected"] and row["steps"][1]["reason_required"]
    assert row["lines"][0]["options"] == [{"group": "Size", "name": "Regular"}]
    assert board["menu"] == [{"id": world["dish"].pk, "name": "Truffle pasta", "sold_out": False}]
    etag = response["ETag"]
    assert etag and response["Cache-Control"] == "private, no-cache"
    # nothing changed: 304, no body, and the payload is not even built (no order is read)
    with CaptureQueriesContext(connection) as queries:
        again = world["kitchen"].get("/api/v1/food/board/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert not any("orders_order" in query["sql"] for query in queries.captured_queries)
    # South's kitchen sees South's order; North's kitchen cannot ask for South
    assert numbers(ok(world["kitchen_south"].get("/api/v1/food/board/")))["placed"] == [theirs.pk]
    error(world["kitchen"].get(f"/api/v1/food/board/?branch={world['south'].pk}"), 404, "not_found")
    error(world["kitchen"].get("/api/v1/food/board/?branch=north"), 400, "validation_error")
    assert numbers(ok(world["kitchen"].get(f"/api/v1/food/board/?branch={world['north'].pk}")))["placed"] == [
        mine.pk]
    # a new order changes the ETag
    paid_order(world)
    fresh = world["kitchen"].get("/api/v1/food/board/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag and len(numbers(fresh.json())["placed"]) == 2
    # the owner (every branch) sees both
    assert sorted(numbers(ok(world["owner"].get("/api/v1/food/board/")))["placed"]) == sorted(
        [mine.pk, theirs.pk] + numbers(fresh.json())["placed"][1:])


def test_the_etag_follows_the_language(world):
    paid_order(world)
    english = world["kitchen"].get("/api/v1/food/board/", HTTP_ACCEPT_LANGUAGE="en")
    korean = world["kitchen"].get("/api/v1/food/board/", HTTP_ACCEPT_LANGUAGE="ko",
                                  HTTP_IF_NONE_MATCH=english["ETag"])
    assert korean.status_code == 200 and korean["ETag"] != english["ETag"]
    assert world["kitchen"].get("/api/v1/food/board/", HTTP_ACCEPT_LANGUAGE="en",
                                HTTP_IF_NONE_MATCH=f'W/{english["ETag"]}, "other"').status_code == 304


def test_a_kitchen_board_keeps_its_branch_open_and_ends_a_pause_its_absence_caused(world):
    from apps.food.services.ordering import boards_offline_pause

    in_beta(lambda: BranchOrdering.objects.filter(branch=world["north"]).update(board_seen_at=None))
    assert in_beta(boards_offline_pause) == [world["north"].pk, world["south"].pk]
    ok(world["rider"].get("/api/v1/food/rider/"))  # a rider's page is no kitchen board
    assert in_beta(lambda: BranchOrdering.objects.get(branch=world["north"]).paused)
    ok(world["kitchen"].get("/api/v1/food/board/"))
    north = in_beta(lambda: BranchOrdering.objects.get(branch=world["north"]))
    south = in_beta(lambda: BranchOrdering.objects.get(branch=world["south"]))
    assert not north.paused and north.board_seen_at is not None
    assert south.paused and south.board_seen_at is None


def test_a_pickup_order_from_accepting_to_handing_over(world):
    order = paid_order(world)
    accepted = ok(step(world["kitchen"], order, "accepted", ready_in_minutes=15))
    assert accepted["order"]["status"] == "accepted" and accepted["ticket"]["status"] == "accepted"
    assert accepted["ticket"]["ready_by"] and [s["to"] for s in accepted["ticket"]["steps"]] == ["cooking"]
    assert accepted["ticket"]["cancel"] is True
    ticket = in_beta(Ticket.objects.get, order_id=order.pk)
    assert 14 * 60 <= (ticket.ready_by - ticket.accepted_at).total_seconds() <= 15 * 60
    ok(step(world["cashier"], order, "cooking"))
    ready = ok(step(world["kitchen"], order, "ready"))
    assert [s["to"] for s in ready["ticket"]["steps"]] == ["picked_up"]
    error(step(world["kitchen"], order, "out_for_delivery"), 409, "food_wrong_fulfilment")
    done = ok(step(world["kitchen"], order, "picked_up"))
    assert done["order"]["status"] == "picked_up" and done["ticket"]["steps"] == []
    assert numbers(ok(world["kitchen"].get("/api/v1/food/board/")))["ready"] == []


def test_a_delivery_goes_out_with_the_rider_who_alone_delivers_it(world):
    order = paid_order(world, fulfilment="delivery")
    error(step(world["rider"], order, "accepted"), 403, "permission_denied")
    for status in ("accepted", "cooking", "ready"):
        ok(step(world["kitchen"], order, status))
    rider_page = ok(world["rider"].get("/api/v1/food/rider/"))
    assert numbers(rider_page) == {"ready": [order.pk], "out_for_delivery": []} and rider_page["menu"] == []
    assert rider_page["columns"][0]["tickets"][0]["steps"][0]["to"] == "out_for_delivery"
    out = ok(step(world["rider"], order, "out_for_delivery"))
    assert out["ticket"]["rider"] == "Park Minho" and out["ticket"]["delivered_by"]
    error(step(world["rider_two"], order, "delivered"), 403, "food_not_the_rider")
    assert ok(step(world["rider"], order, "delivered"))["order"]["status"] == "delivered"
    error(step(world["rider"], order, "delivered"), 409, "order_illegal_transition")


def test_the_kitchen_may_close_a_delivery_another_rider_took(world):
    order = paid_order(world, fulfilment="delivery")
    for status in ("accepted", "cooking", "ready"):
        ok(step(world["kitchen"], order, status))
    ok(step(world["rider"], order, "out_for_delivery"))
    assert ok(step(world["kitchen"], order, "delivered"))["order"]["status"] == "delivered"


def test_rejecting_and_cancelling_need_a_reason_and_refund_everything(world):
    first, second = paid_order(world), paid_order(world)
    error(step(world["kitchen"], first, "rejected"), 400, "validation_error")
    error(step(world["kitchen"], first, "rejected", reason="   "), 400, "validation_error")
    assert in_beta(Order.objects.get, pk=first.pk).status == "placed"
    rejected = ok(step(world["kitchen"], first, "rejected", reason="Out of truffles"))
    assert rejected["order"]["status"] == "rejected" and rejected["order"]["payment_status"] == "refunded"
    assert rejected["order"]["refunded_amount"] == first.total and rejected["ticket"]["status"] == "rejected"
    ok(step(world["kitchen"], second, "accepted"))
    error(step(world["kitchen"], second, "rejected", reason="Too late"), 409, "order_not_cancellable")
    error(step(world["kitchen"], second, "cancelled"), 400, "validation_error")
    assert in_beta(Order.objects.get, pk=second.pk).refunded_amount == 0
    cancelled = ok(step(world["kitchen"], second, "cancelled", reason="The oven broke"))
    assert (cancelled["order"]["status"], cancelled["order"]["payment_status"]) == ("cancelled", "refunded")


def test_the_flow_and_the_input_refuse_cleanly(world):
    order = paid_order(world)
    error(step(world["kitchen"], order, "ready"), 409, "order_illegal_transition")
    error(step(world["kitchen"], order, "placed"), 400, "validation_error")
    error(step(world["kitchen"], order, "bogus"), 400, "validation_error")
    error(step(world["kitchen"], order, "accepted", ready_in_minutes=0), 400, "validation_error")
    error(step(world["kitchen"], order, "accepted", ready_in_minutes="soon"), 400, "validation_error")
    error(world["kitchen"].post(f"/api/v1/food/orders/{order.pk}/step/", "[]", content_type="application/json"),
          400, "validation_error")
    assert in_beta(Order.objects.get, pk=order.pk).status == "placed"
    # an order the customer has not paid has not reached the kitchen
    unpaid = in_beta(lambda: place(branch=world["north"], item=world["dish"], customer=world["customer"]))
    error(step(world["kitchen"], unpaid, "accepted"), 409, "food_not_at_kitchen")
    assert ok(world["kitchen"].get("/api/v1/food/board/"))["columns"][0]["tickets"][0]["order"] == order.pk


def test_scope_another_branch_is_absent_and_roles_are_what_they_are(world):
    theirs = paid_order(world, branch=world["south"])
    for client in (world["kitchen"], world["rider"], world["cashier"]):
        error(step(client, theirs, "accepted"), 404, "not_found")
    error(step(world["kitchen"], theirs, "rejected", reason="Not ours"), 404, "not_found")
    assert in_beta(Order.objects.get, pk=theirs.pk).status == "placed"
    # the rider has no kitchen board rights beyond reading it; a diner none at all
    assert ok(world["rider"].get("/api/v1/food/board/"))["columns"][0]["tickets"] == []
    error(world["diner"].get("/api/v1/food/board/"), 403, "permission_denied")
    error(world["diner"].get("/api/v1/food/rider/"), 403, "permission_denied")
    error(step(world["diner"], theirs, "accepted"), 403, "permission_denied")
    # the kitchen's steps come from its role: its board shows them, the cashier's too
    mine = paid_order(world)
    for client in (world["kitchen"], world["cashier"]):
        row = ok(client.get("/api/v1/food/board/"))["columns"][0]["tickets"][0]
        assert row["order"] == mine.pk and row["steps"][0]["to"] == "accepted"
    assert ok(world["rider"].get("/api/v1/food/board/"))["columns"][0]["tickets"][0]["steps"] == []


def test_food_endpoints_do_not_exist_outside_a_restaurant(db, owner_alpha):
    from tests.plugin import client_for
    from tests.workspace import api

    owner = api("alpha", "owner@alpha.test")
    for path in ("/api/v1/food/board/", "/api/v1/food/rider/", "/api/v1/food/branches/",
                 "/api/v1/food/menu-hours/"):
        error(owner.get(path), 404, "not_found")
    error(client_for("alpha").get("/api/v1/food/branches/open/"), 404, "not_found")
