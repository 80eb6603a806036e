"""The kitchen board and the rider page in the tenant admin, over HTTP: the pages for the
owner, the kitchen and the rider; the feed's ETag (304 while nothing changed); the steps
through the services (accept with minutes, reject and cancel with a reason); a kitchen
user of one branch never sees nor moves another branch's orders; CSRF on every post;
sold-out switches and pauses by permission; the feed's query count whatever the number
of open orders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.catalog.models import Item
from apps.food.models import BranchOrdering, Ticket
from apps.orders.models import Order
from tests.admin_pages import tenant_admin_client
from tests.plugin import PASSWORD, client_for
from tests.workspace import make_staff

from .conftest import NEAR, make_branch, pay, place

BOARD, FEED, STEP = "/admin/food/ticket/board/", "/admin/food/ticket/board/feed/", "/admin/food/ticket/board/step/"
RIDER, RIDER_FEED = "/admin/food/ticket/rider/", "/admin/food/ticket/rider/feed/"
SOLD_OUT, PAUSE = "/admin/food/ticket/board/sold-out/", "/admin/food/ticket/board/pause/"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def kitchen(beta, branch, dish):
    """Two branches; a cook and a rider of the first; a paid pickup order at each and a
    paid delivery at the first."""
    from apps.crm.models import Customer

    other = make_branch("Hannam", pickup=True)
    cook = make_staff("beta", "cook@beta.test", ["kitchen"], branches=[branch])
    rider = make_staff("beta", "rider@beta.test", ["rider"], branches=[branch])
    customer = Customer.objects.create(name="Kim Minji", branch=branch)
    here = place(branch=branch, item=dish, options=("Large", "Bacon"), customer=customer)
    there = place(branch=other, item=dish, customer=customer)
    delivery = place(branch=branch, item=dish, fulfilment="delivery", customer=customer,
                     delivery={"address": "12 Seongsu-ro", "phone": "010-1234-5678", "memo": "Ring twice", **NEAR})
    for order in (here, there, delivery):
        pay(order)
    return {"branch": branch, "other": other, "cook": cook, "rider": rider, "here": here, "there": there,
            "delivery": delivery, "dish": dish}


def _orders(payload) -> dict[int, dict]:
    return {row["order"]: row for column in payload["columns"] for row in column["tickets"]}


def _status(order) -> str:
    with schema_context("beta"):
        return Order.objects.get(pk=order.pk).status


def test_the_board_and_the_rider_page_open_for_those_who_work_them(kitchen):
    owner, cook, rider = (tenant_admin_client(email, "beta")
                          for email in ("owner@beta.test", "cook@beta.test", "rider@beta.test"))
    page = owner.get(BOARD)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="food-config"' in html and 'id="food-branch-picker"' in html  # the owner reaches two branches
    assert set(_orders(page.context["board"])) == {
        kitchen["here"].pk, kitchen["there"].pk, kitchen["delivery"].pk}
    assert [column["label"] for column in page.context["board"]["columns"]] == [
        "New", "Accepted", "Cooking", "Ready", "Out for delivery"]
    cook_page = cook.get(BOARD)
    assert cook_page.status_code == 200 and 'id="food-branch-picker"' not in cook_page.content.decode()
    assert rider.get(RIDER).status_code == 200
    assert owner.get(RIDER).status_code == 200
    # the sidebar: the board for the cook, the deliveries for the rider
    assert "/admin/food/ticket/board/" in cook_page.content.decode()
    rider_home = rider.get("/admin/").content.decode()
    assert "/admin/food/ticket/rider/" in rider_home


def test_an_academy_has_no_kitchen(db, owner_alpha):
    client = tenant_admin_client("owner@alpha.test", "alpha")
    assert client.get(BOARD).status_code == 403
    assert client.post(STEP, {"order": 1, "to": "accepted"}).status_code == 404
    assert "/admin/food/" not in client.get("/admin/").content.decode()


def test_the_feed_answers_304_until_something_changes(kitchen):
    client = tenant_admin_client("owner@beta.test", "beta")
    first = client.get(FEED, **JSON)
    assert first.status_code == 200 and first["ETag"].startswith('"')
    assert "no-cache" in first["Cache-Control"]
    same = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"], **JSON)
    assert same.status_code == 304 and same["ETag"] == first["ETag"] and same.content == b""
    with schema_context("beta"):
        new = place(branch=kitchen["branch"], item=kitchen["dish"])
        pay(new)
    changed = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"], **JSON)
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert new.pk in _orders(changed.json())
    # a pause changes what the board shows, so its ETag too
    with schema_context("beta"):
        from apps.food.services.ordering import ordering_pause

        ordering_pause(branch=kitchen["branch"], actor=None)
    paused = client.get(FEED, HTTP_IF_NONE_MATCH=changed["ETag"], **JSON)
    assert paused.status_code == 200
    assert next(b for b in paused.json()["branches"] if b["id"] == kitchen["branch"].pk)["paused"] is True


def test_a_ticket_moves_through_the_kitchen_with_one_tap_each(kitchen):
    client = tenant_admin_client("cook@beta.test", "beta")
    order = kitchen["here"]
    row = _orders(client.get(FEED, **JSON).json())[order.pk]
    assert [step["to"] for step in row["steps"]] == ["accepted", "rejected"]
    assert [step["label"] for step in row["steps"]] == ["Accept", "Reject"]
    assert row["lines"][0]["options"] == [{"group": "Size", "name": "Large"}, {"group": "Toppings", "name": "Bacon"}]
    before = timezone.now()
    accepted = client.post(STEP, {"order": order.pk, "to": "accepted", "minutes": "15"}, **JSON)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    with schema_context("beta"):
        ticket = Ticket.objects.get(order_id=order.pk)
    assert dt.timedelta(minutes=15) <= ticket.ready_by - before < dt.timedelta(minutes=15, seconds=30)
    for step in ("cooking", "ready", "picked_up"):
        response = client.post(STEP, {"order": order.pk, "to": step}, **JSON)
        assert response.status_code == 200, response.content
    assert _status(order) == "picked_up"
    # a step the flow forbids: 409 with a readable message, nothing changed
    again = client.post(STEP, {"order": order.pk, "to": "cooking"}, **JSON)
    assert again.status_code == 409 and again.json()["error"]["message"]
    assert _status(order) == "picked_up"


def test_accepting_with_nonsense_minutes_changes_nothing(kitchen):
    client = tenant_admin_client("cook@beta.test", "beta")
    for minutes in ("0", "999", "soon"):
        response = client.post(STEP, {"order": kitchen["here"].pk, "to": "accepted", "minutes": minutes}, **JSON)
        assert response.status_code == 400, (minutes, response.content)
        assert response.json()["error"]["code"] == "validation_error"
    assert client.post(STEP, {"order": kitchen["here"].pk, "to": "flying"}, **JSON).status_code == 400
    assert client.post(STEP, {"order": "x", "to": "accepted"}, **JSON).status_code == 400
    assert client.get(STEP).status_code == 405
    assert _status(kitchen["here"]) == "placed"


def test_reject_and_cancel_need_a_reason_and_refund(kitchen):
    client = tenant_admin_client("cook@beta.test", "beta")
    order = kitchen["here"]
    refused = client.post(STEP, {"order": order.pk, "to": "rejected", "reason": "  "}, **JSON)
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["details"]
    assert _status(order) == "placed"
    assert client.post(STEP, {"order": order.pk, "to": "rejected", "reason": "Out of truffles"}, **JSON).status_code \
        == 200
    delivery = kitchen["delivery"]
    client.post(STEP, {"order": delivery.pk, "to": "accepted"}, **JSON)
    assert client.post(STEP, {"order": delivery.pk, "to": "cancelled"}, **JSON).status_code == 400
    assert client.post(STEP, {"order": delivery.pk, "to": "cancelled", "reason": "Oven broke"}, **JSON).status_code \
        == 200
    with schema_context("beta"):
        for paid in (order, delivery):
            paid = Order.objects.get(pk=paid.pk)
            assert paid.refunded_amount == paid.total and paid.status in ("rejected", "cancelled")


def test_a_cook_of_one_branch_never_sees_nor_moves_another_branchs_orders(kitchen):
    client = tenant_admin_client("cook@beta.test", "beta")
    shown = _orders(client.get(FEED, **JSON).json())
    assert kitchen["there"].pk not in shown and kitchen["here"].pk in shown
    assert [branch["id"] for branch in client.get(FEED, **JSON).json()["branches"]] == [kitchen["branch"].pk]
    assert client.get(FEED + f"?branch={kitchen['other'].pk}", **JSON).status_code == 404
    assert client.get(BOARD + f"?branch={kitchen['other'].pk}").status_code == 404
    refused = client.post(STEP, {"order": kitchen["there"].pk, "to": "accepted"}, **JSON)
    assert refused.status_code == 404
    assert _status(kitchen["there"]) == "placed"
    assert client.post(PAUSE, {"branch": kitchen["other"].pk, "paused": "1"}, **JSON).status_code == 403
    owner = tenant_admin_client("owner@beta.test", "beta")
    picked = owner.get(FEED + f"?branch={kitchen['other'].pk}", **JSON).json()
    assert set(_orders(picked)) == {kitchen["there"].pk}


def test_the_rider_takes_out_and_delivers_only(kitchen):
    cook, rider = tenant_admin_client("cook@beta.test", "beta"), tenant_admin_client("rider@beta.test", "beta")
    delivery = kitchen["delivery"]
    assert rider.post(STEP, {"order": delivery.pk, "to": "accepted"}, **JSON).status_code == 403
    for step in ("accepted", "cooking", "ready"):
        assert cook.post(STEP, {"order": delivery.pk, "to": step}, **JSON).status_code == 200
    payload = rider.get(RIDER_FEED, **JSON).json()
    assert [column["status"] for column in payload["columns"]] == ["ready", "out_for_delivery"]
    row = _orders(payload)[delivery.pk]
    assert row["delivery"] == {"address": "12 Seongsu-ro", "memo": "Ring twice", "phone": "010-1234-5678"}
    assert [step["label"] for step in row["steps"]] == ["Take out"]
    assert kitchen["here"].pk not in _orders(payload)  # pickups are not the rider's
    assert rider.post(STEP, {"order": delivery.pk, "to": "out_for_delivery"}, **JSON).status_code == 200
    row = _orders(rider.get(RIDER_FEED, **JSON).json())[delivery.pk]
    assert [step["to"] for step in row["steps"]] == ["delivered"]
    # another rider does not see the order out with this one
    make_staff("beta", "rider2@beta.test", ["rider"], branches=[kitchen["branch"]])
    other = tenant_admin_client("rider2@beta.test", "beta")
    assert delivery.pk not in _orders(other.get(RIDER_FEED, **JSON).json())
    assert rider.post(STEP, {"order": delivery.pk, "to": "delivered"}, **JSON).status_code == 200
    assert _status(delivery) == "delivered"


def test_posts_need_the_csrf_token(kitchen):
    client = client_for("beta", enforce_csrf_checks=True)
    assert client.post("/admin/login/?next=/admin/", {"username": "cook@beta.test", "password": PASSWORD}).status_code \
        == 403  # the login form itself is protected
    client.get("/admin/login/")
    token = client.cookies["csrftoken"].value
    assert client.post("/admin/login/?next=/admin/", {"username": "cook@beta.test", "password": PASSWORD,
                                                      "csrfmiddlewaretoken": token}).status_code == 302
    order = kitchen["here"]
    assert client.post(STEP, {"order": order.pk, "to": "accepted"}, **JSON).status_code == 403
    assert _status(order) == "placed"
    page = client.get(BOARD)
    token = page.context["config"]["csrf"]
    accepted = client.post(STEP, {"order": order.pk, "to": "accepted"}, HTTP_X_CSRFTOKEN=token, **JSON)
    assert accepted.status_code == 200, accepted.content
    assert _status(order) == "accepted"


def test_sold_out_switches_need_the_menu_right(kitchen):
    cook, rider = tenant_admin_client("cook@beta.test", "beta"), tenant_admin_client("rider@beta.test", "beta")
    dish = kitchen["dish"]
    assert cook.get(FEED, **JSON).json()["can_sold_out"] is True
    assert cook.post(SOLD_OUT, {"item": dish.pk, "sold_out": "1"}, **JSON).json() == {"item": dish.pk,
                                                                                       "sold_out": True}
    with schema_context("beta"):
        assert Item.objects.get(pk=dish.pk).is_sold_out
    payload = cook.get(FEED, **JSON).json()
    assert [row["id"] for row in payload["sold_out"]] == [dish.pk]
    assert rider.post(SOLD_OUT, {"item": dish.pk, "sold_out": "0"}, **JSON).status_code == 403
    assert cook.post(SOLD_OUT, {"item": 999999, "sold_out": "0"}, **JSON).status_code == 404
    assert cook.post(SOLD_OUT, {"item": dish.pk, "sold_out": "0"}, **JSON).json()["sold_out"] is False


def test_pause_and_resume_need_the_ordering_right(kitchen):
    owner, cook = tenant_admin_client("owner@beta.test", "beta"), tenant_admin_client("cook@beta.test", "beta")
    branch = kitchen["branch"]
    assert cook.post(PAUSE, {"branch": branch.pk, "paused": "1"}, **JSON).status_code == 403
    assert owner.post(PAUSE, {"branch": branch.pk, "paused": "1"}, **JSON).json() == {"branch": branch.pk,
                                                                                       "paused": True}
    entry = next(b for b in owner.get(FEED, **JSON).json()["branches"] if b["id"] == branch.pk)
    assert entry["paused"] and entry["pause_reason_label"] == "Paused by staff" and entry["can_pause"]
    assert owner.post(PAUSE, {"branch": branch.pk, "paused": "0"}, **JSON).json()["paused"] is False


def test_a_cooks_poll_keeps_the_branch_open_and_resumes_a_pause_it_caused(kitchen):
    branch = kitchen["branch"]
    with schema_context("beta"):
        BranchOrdering.objects.filter(branch=branch).update(paused=True, pause_reason="board_offline",
                                                            board_seen_at=None)
    rider = tenant_admin_client("rider@beta.test", "beta")
    rider.get(FEED, **JSON)  # someone who does not work the board: still paused
    with schema_context("beta"):
        assert BranchOrdering.objects.get(branch=branch).paused
    tenant_admin_client("cook@beta.test", "beta").get(FEED, **JSON)
    with schema_context("beta"):
        ordering = BranchOrdering.objects.get(branch=branch)
        assert not ordering.paused and ordering.board_seen_at is not None
        assert not BranchOrdering.objects.get(branch=kitchen["other"]).board_seen_at  # not the cook's branch


def _feed_queries(client, etag: str = "") -> tuple[int, int]:
    client.get(FEED, **JSON)  # warm the per-process caches
    with CaptureQueriesContext(connections["default"]) as queries:
        response = client.get(FEED, HTTP_IF_NONE_MATCH=etag, **JSON)
    return len(queries), response.status_code


def test_the_feed_costs_the_same_queries_for_3_or_12_open_orders(kitchen):
    client = tenant_admin_client("owner@beta.test", "beta")
    small, status = _feed_queries(client)
    assert status == 200
    etag = client.get(FEED, **JSON)["ETag"]
    unchanged, status = _feed_queries(client, etag)
    assert status == 304 and unchanged < small
    with schema_context("beta"):
        for number in range(9):
            order = place(branch=kitchen["branch" if number % 2 else "other"], item=kitchen["dish"],
                          options=("Large", "Bacon", "Mushrooms"), quantity=2)
            pay(order)
    connection.set_schema_to_public()
    large, status = _feed_queries(client)
    assert status == 200 and large == small, (small, large)
