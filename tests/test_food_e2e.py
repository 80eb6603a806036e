"""A restaurant's delivery order through real processes: the web server (runserver), a
Celery worker, the sandbox provider's hosted checkout page, and the kitchen board and the
rider page in Chromium.

A food workspace with a branch open now that delivers (distance bands), a dish with
option groups, a cook and a rider of the branch -> a consumer registers on its host,
reads the open branches, the branch's menu and a delivery quote, orders a delivery with
options and their spot, and pays on the hosted page; the provider's signed webhook is
processed by the worker -> the cook's board, open before the payment, shows the order
within 2 seconds of the payment being recorded, without a reload -> the cook accepts it
(30 minutes), cooks it and marks it ready by tapping the board; the rider, on their own
page, takes it out and delivers it -> after each step the consumer's tracking shows the
step and the estimate, and the consumer is told once per step, in Korean (the estimate
on acceptance), in the app and by e-mail.

Then beat, run on the worker as beat sends it (`food.kitchen_watch`), with time moved on
the data: a second paid order nobody accepted in time is rejected and refunded in full
(the sandbox's books agree) and the consumer is told; the board is closed for longer
than the branch allows, so the branch stops taking orders (409 food_ordering_paused) and
the owner is told; opening the board again resumes it. Screenshots:
test-artifacts/food-e2e-*.png."""

from __future__ import annotations

import datetime as dt
import html
import re
import time
import uuid
import zoneinfo

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.food.models import BranchOrdering, Ticket
from apps.food.tasks import kitchen_watch
from apps.orders.models import Order
from apps.payments import sandbox
from apps.payments.models import Payment
from apps.payments.providers import merchant_provider
from tests.food_e2e_helpers import (
    ADDRESS,
    BACON,
    BANDS,
    BRANCH,
    COOK,
    DINER,
    LARGE,
    NEAR,
    OWNER,
    PRICE,
    RIDER,
    SCHEMA,
    SLUG,
    Http,
    card,
    in_shop,
    let_the_worker_finish,
    ok,
    open_board,
    pay_on_hosted_page,
    refused,
    restaurant,
    shoot,
    token,
    told,
    watch_for,
    worker_ran,
)
from tests.plugin import read_live_mail, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.browser]

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
HANGUL = re.compile("[가-힣]")


def run_kitchen_watch() -> str:
    """What beat sends every minute, from the public schema, run by the real worker; what
    it did here, as the worker logged its result ("" if nothing)."""
    connection.set_schema_to_public()
    sent = kitchen_watch.delay()
    line = wait_for(lambda: worker_ran("food.kitchen_watch", sent.id), "the worker to run food.kitchen_watch")
    done = re.search(rf"'{SCHEMA}': (\{{[^}}]*\}})", line)
    return done.group(1) if done else ""


def clock(moment: dt.datetime) -> str:
    return moment.astimezone(SEOUL).strftime("%H:%M")


def test_a_delivery_from_the_board_to_the_door_and_what_beat_does_when_the_kitchen_is_away(
        celery_worker_process, live_server_url, live_server_mail, committed, browser):
    world = restaurant(committed)
    branch = world["branch"]
    shop = Http(live_server_url.format(host="127.0.0.1"), f"{SLUG}.{settings.BASE_DOMAIN}")
    admin = live_server_url.format(host=f"{SLUG}.localhost")
    public_base = live_server_url.format(host="localhost")
    provider = merchant_provider()
    provider.register_webhook_url(public_base + "/api/v1/platform/webhooks/merchant-payments/")
    pages = []
    try:
        # 1. The consumer registers on the restaurant's host, in Korean.
        registered = ok(shop("POST", "/api/v1/auth/register/", {
            "email": DINER, "password": "long-enough-pass-42", "name": "김민지", "language": "ko",
            "consents": {"terms": True, "privacy": True}}), 201)
        diner = shop.as_(registered["tokens"]["access"])
        owner = shop.as_(token(shop, OWNER))

        # 2. Branches open now, the branch's menu, a delivery quote; then the order, with options and a spot.
        (open_branch,) = [row for row in ok(shop("GET", "/api/v1/food/branches/open/"), 200) if row["id"] == branch.pk]
        assert open_branch["taking_orders"] and open_branch["open_now"] and open_branch["delivery"]
        assert open_branch["delivery_bands"] == BANDS and open_branch["min_order_amount"] == 15000
        menu = ok(shop("GET", f"/api/v1/food/branches/{branch.pk}/menu/"), 200)
        (dish,) = [item for category in menu["categories"] for item in category["items"]]
        assert dish["name"] == "트러플 파스타" and dish["available_now"] and dish["unavailable_reason"] == ""
        options = {option["name"]: option["id"] for group in dish["option_groups"] for option in group["options"]}
        quote = ok(shop("POST", f"/api/v1/food/branches/{branch.pk}/delivery-quote/", NEAR), 200)
        assert quote["inside"] and quote["fee"] == 2000 and 300 < quote["distance_m"] < 1000

        def order_body(*choices):
            return {"fulfilment": "delivery", "branch": branch.pk, "notes": "포크 2개",
                    "delivery": {**ADDRESS, **NEAR},
                    "lines": [{"item": dish["id"], "quantity": 1, "options": [options[name] for name in choices]}]}

        def place(*choices):
            return diner("POST", "/api/v1/orders/", order_body(*choices), **{"Idempotency-Key": f"e2e-{uuid.uuid4()}"})

        order = ok(place("Large", "Bacon"), 201)
        number, tracking = order["number"], f"/api/v1/my/orders/{order['id']}/tracking/"
        assert order["flow"] == "food" and order["fee_total"] == quote["fee"]
        assert order["total"] == PRICE + LARGE + BACON + quote["fee"]
        assert order["delivery"]["latitude"] == NEAR["latitude"]

        # The cook's board is open before the payment; an unpaid order is not at the kitchen.
        board = open_board(browser, admin, COOK)
        pages.append(board)
        assert card(board, order["id"]).count() == 0
        watch_for(board, order["id"])
        reference = pay_on_hosted_page(browser, diner, public_base, order, shot="checkout-paid-ko-390")
        card(board, order["id"], "placed").wait_for(state="visible", timeout=15000)
        payment = in_shop(lambda: Payment.objects.get(reference=reference))
        seen_at = board.evaluate("window.__seenAt")
        assert seen_at is not None  # noted by the script watch_for left in the page: it was not reloaded
        lag = seen_at / 1000 - payment.paid_at.timestamp()
        assert 0 < lag < 2.0, f"the paid order reached the board {lag:.2f}s after the payment was recorded"
        print(f"\nthe paid order reached the kitchen board {lag:.2f}s after the payment was recorded")
        text = card(board, order["id"]).inner_text()
        for shown in (f"#{number}", "김민지", "트러플 파스타", "Large", "Bacon", "포크 2개", ADDRESS["address"],
                      ADDRESS["memo"]):
            assert shown in text, (shown, text)
        assert "is-fresh" in card(board, order["id"]).get_attribute("class")
        shoot(board, "board-new-ko-1280")

        placed = ok(diner("GET", tracking), 200)
        assert (placed["status"], placed["can_cancel"], placed["payment_status"]) == ("placed", True, "paid")
        assert placed["estimate"] == {"ready_by": None, "delivered_by": None, "text": ""}
        wait_for(lambda: told(diner, "order.created", number) and told(diner, "payment.succeeded", number),
                 "the consumer to be told of the order and its payment")

        def follow(status: str, steps_done: int) -> tuple[dict, dict]:
            """The consumer's tracking shows `status`, and they were told of it, once."""
            tracked = wait_for(lambda: (row := ok(diner("GET", tracking), 200))["status"] == status and row,
                               f"the tracking to show {status}")
            assert HANGUL.search(tracked["status_label"]), tracked["status_label"]
            assert [step["status"] for step in tracked["steps"]][-1] == status
            notes = wait_for(lambda: len(rows := told(diner, "order.status_changed", number)) >= steps_done and rows,
                             f"the consumer to be told the order is {status}")
            assert len(notes) == steps_done, notes  # one per step
            assert notes[-1]["title"] == f"주문 #{number}: {tracked['status_label']}", notes[-1]
            return tracked, notes[-1]

        # 3. The cook accepts (30 minutes), starts cooking, marks it ready: one tap each on the board; the
        # rider takes it out and delivers it. After each step: the consumer's tracking, and what they were told.
        card(board, order["id"]).locator("[data-step='accepted']").click()
        board.wait_for_selector("#food-dialog[open]")
        shoot(board, "accept-minutes-ko-1280")
        before = timezone.now()
        board.click("#food-dialog [data-minutes='30']")
        card(board, order["id"], "accepted").wait_for(state="visible")
        accepted, note = follow("accepted", 1)
        ready_by = dt.datetime.fromisoformat(accepted["estimate"]["ready_by"])
        assert dt.timedelta(minutes=30) <= ready_by - before < dt.timedelta(minutes=30, seconds=15)
        promise = f"{clock(ready_by)}쯤 배달을 출발합니다."
        assert accepted["estimate"]["text"] == promise and promise in note["body"] and "김민지님" in note["body"]
        assert not accepted["can_cancel"]
        refused(diner("POST", f"/api/v1/my/orders/{order['id']}/cancel/"), 409, "order_not_cancellable")

        # the rider's page, in a second browser, waits for it
        rider_page = open_board(browser, admin, RIDER, "/admin/food/ticket/rider/")
        pages.append(rider_page)
        assert card(rider_page, order["id"]).count() == 0

        card(board, order["id"]).locator("[data-step='cooking']").click()
        card(board, order["id"], "cooking").wait_for(state="visible")
        cooking, note = follow("cooking", 2)
        assert cooking["estimate"]["ready_by"] == accepted["estimate"]["ready_by"] and promise in note["body"]
        card(board, order["id"]).locator("[data-step='ready']").click()
        card(board, order["id"], "ready").wait_for(state="visible")
        ready, _note = follow("ready", 3)
        assert ready["estimate"]["ready_by"] is None
        shoot(board, "board-ready-ko-1280")

        # The rider: ready to go (without a reload), taken out, delivered.
        waiting = card(rider_page, order["id"], "ready")
        waiting.wait_for(state="visible", timeout=5000)
        assert ADDRESS["address"] in waiting.inner_text() and ADDRESS["phone"] in waiting.inner_text()
        shoot(rider_page, "rider-ready-ko-1280")
        before = timezone.now()
        waiting.locator("[data-step='out_for_delivery']").click()
        card(rider_page, order["id"], "out_for_delivery").wait_for(state="visible")
        out, note = follow("out_for_delivery", 4)
        delivered_by = dt.datetime.fromisoformat(out["estimate"]["delivered_by"])
        assert dt.timedelta(minutes=25) <= delivered_by - before < dt.timedelta(minutes=25, seconds=15)
        arrival = f"{clock(delivered_by)}쯤 도착할 예정입니다."
        assert out["estimate"]["text"] == arrival and arrival in note["body"] and out["rider"] == "박라이더"
        shoot(rider_page, "rider-out-ko-1280")
        card(rider_page, order["id"], "out_for_delivery").locator("[data-step='delivered']").click()
        card(rider_page, order["id"]).wait_for(state="detached")
        done, _note = follow("delivered", 5)
        assert done["finished"] and done["next_steps"] == [] and [step["status"] for step in done["steps"]] == [
            "placed", "accepted", "cooking", "ready", "out_for_delivery", "delivered"]
        card(board, order["id"]).wait_for(state="detached")  # off the board too
        rider_page.context.close()
        # ... and by e-mail, once per step, in Korean
        changed = f"주문 #{number}의 상태가"
        mails = wait_for(lambda: len(rows := [body for body in read_live_mail(live_server_mail, DINER)
                                              if changed in body]) >= 5 and rows, "five e-mails of the steps")
        assert len(mails) == 5 and html.escape(promise) in mails[0] and html.escape(arrival) in mails[3]

        # 4. A second paid order nobody accepts in time: beat rejects it and refunds it in full.
        second = ok(place("Regular"), 201)
        watch_for(board, second["id"])
        second_reference = pay_on_hosted_page(browser, diner, public_base, second)
        card(board, second["id"], "placed").wait_for(state="visible", timeout=15000)
        assert run_kitchen_watch() == ""  # within its minutes: left alone
        assert in_shop(lambda: Order.objects.get(pk=second["id"]).status) == "placed"
        in_shop(lambda: Ticket.objects.filter(order_id=second["id"]).update(
            accept_by=timezone.now() - dt.timedelta(minutes=1)))
        assert run_kitchen_watch() == f"{{'rejected': [{second['id']}], 'paused': []}}"
        rejected = in_shop(lambda: Order.objects.get(pk=second["id"]))
        assert rejected.status == "rejected" and rejected.refunded_amount == rejected.paid_amount == second["total"]
        assert rejected.payment_status == "refunded"
        books = sandbox.session(second_reference)
        assert (books["refunded"], books["status"]) == (second["total"], "cancelled")
        card(board, second["id"]).wait_for(state="detached")
        tracked = ok(diner("GET", f"/api/v1/my/orders/{second['id']}/tracking/"), 200)
        assert tracked["finished"] and tracked["steps"][-1]["status"] == "rejected" and tracked["steps"][-1]["reason"]
        (cancelled,) = wait_for(lambda: told(diner, "order.cancelled", second["number"]), "the consumer to be told")
        assert cancelled["title"] == f"주문 #{second['number']}이(가) 취소되었습니다", cancelled
        reason = tracked["steps"][-1]["reason"]
        assert HANGUL.search(reason) and f"사유: {reason}" in cancelled["body"], cancelled  # in the consumer's language
        assert "결제하신 금액은 환불됩니다" in cancelled["body"]
        assert not in_shop(lambda: BranchOrdering.objects.get(branch=branch).paused)  # the board is open

        # 5. The board is closed for longer than the branch allows: the branch stops taking orders.
        board.context.close()
        time.sleep(0.5)  # a poll the server was answering as the page closed has finished
        assert run_kitchen_watch() == ""  # seen less than 10 minutes ago
        in_shop(lambda: BranchOrdering.objects.filter(branch=branch).update(
            board_seen_at=timezone.now() - dt.timedelta(minutes=11)))
        assert run_kitchen_watch() == f"{{'rejected': [], 'paused': [{branch.pk}]}}"
        ordering = in_shop(lambda: BranchOrdering.objects.get(branch=branch))
        assert (ordering.paused, ordering.pause_reason) == (True, "board_offline")
        count = in_shop(Order.objects.count)
        refused(place("Regular"), 409, "food_ordering_paused")
        assert in_shop(Order.objects.count) == count
        (row,) = [row for row in ok(shop("GET", "/api/v1/food/branches/open/"), 200) if row["id"] == branch.pk]
        assert row["paused"] and not row["taking_orders"]
        (paused_note,) = wait_for(lambda: told(owner, "food.ordering_paused"), "the owner to be told")
        assert BRANCH in paused_note["title"] and BRANCH in paused_note["body"]
        wait_for(lambda: [body for body in read_live_mail(live_server_mail, OWNER) if BRANCH in body],
                 "the owner's e-mail")
        assert AuditEvent.objects.filter(tenant=world["tenant"], action="food.ordering_paused",
                                         target_id=str(branch.pk), actor=None).count() == 1

        # Opening the board again resumes it by itself; orders are taken again.
        board = open_board(browser, admin, COOK)
        pages.append(board)
        wait_for(lambda: not in_shop(lambda: BranchOrdering.objects.get(branch=branch).paused), "ordering to resume")
        shoot(board, "board-back-ko-1280")
        again = ok(place("Regular", "Mushrooms"), 201)
        assert again["status"] == "placed" and again["branch"] == branch.pk
        assert AuditEvent.objects.filter(tenant=world["tenant"], action="food.ordering_resumed",
                                         target_id=str(branch.pk), metadata__note="board_back").count() == 1
        # told once per step, nothing twice, however long the worker had
        assert len(told(diner, "order.status_changed", number)) == 5
        assert len(told(diner, "order.cancelled", second["number"])) == 1
        assert len(told(owner, "food.ordering_paused")) == 1
    finally:
        provider.register_webhook_url("")
        for page in pages:
            if not page.is_closed():
                page.context.close()
        connection.set_schema_to_public()
        let_the_worker_finish()
