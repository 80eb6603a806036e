"""A restaurant's kitchen board and rider page in a real browser (Playwright + Debian
Chromium), in English and Korean, at a kitchen tablet's 1280x800 and a phone's 390x844.

One food workspace, provisioned once for the module, with committed data made through
the services: a branch that delivers, two dishes with option groups, a cook and a rider
of the branch, orders already at each step (tests/browser/food_pages.py builds it, with
the moves the tests make). The web server is this module's own runserver, so that one
test can restart it under an open board. Each run walks

1. the cook's board: a paid delivery order made from the test (through the services,
   while the page is open) appears within 2 seconds without a reload, highlighted;
   accepted with 15 minutes from the dialog, cooking, ready, one tap each; a dish
   switched sold out and back from the sold-out panel;
2. the rider's page: the order ready to go, with its address, memo and phone; taken
   out, then delivered.

Assertions are on what a person sees in the page's language; no page scrolls sideways.
Screenshots: test-artifacts/food-<step>-<lang>-<width>.png."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from tests.browser.food_pages import (
    ADDRESS,
    COOK,
    OWNER,
    RIDER,
    in_kitchen,
    log_in,
    no_raw_codes,
    open_board,
    paid_order,
    server,  # noqa: F401 - a fixture
    shoot,
    show_column,
    ticket,
    world,  # noqa: F401 - a fixture
)
from tests.browser.screens import RUN_IDS, RUNS

pytestmark = pytest.mark.browser


WORDS = {
    "en": {"new": "New", "accepted": "Accepted", "cooking": "Cooking", "ready": "Ready", "delivery": "Delivery",
           "memo": "Leave it at the door", "take_out": "Take out", "delivered": "Delivered",
           "sold_out": "Sold out", "on_sale": "On sale", "ready_to_go": "Ready to go", "with_you": "Out with you"},
    "ko": {"new": "신규", "accepted": "수락됨", "cooking": "조리 중", "ready": "준비 완료", "delivery": "배달",
           "memo": "Leave it at the door", "take_out": "배달 출발", "delivered": "배달 완료",
           "sold_out": "품절", "on_sale": "판매 중", "ready_to_go": "출발 대기", "with_you": "배달 중"},
}


@pytest.mark.parametrize("run", RUNS, ids=RUN_IDS)
def test_a_delivery_through_the_kitchen_and_the_rider(browser, server, world, run):  # noqa: F811
    from apps.catalog.models import Item
    from apps.food.models import Ticket
    from apps.orders.models import Order

    language, width = run
    words = WORDS[language]
    page = open_board(browser, server, COOK, language, width)
    try:
        columns = page.locator("#food-tabs" if width <= 760 else "#food-columns").inner_text()
        for key in ("new", "accepted", "cooking", "ready"):
            assert words[key] in columns, (key, columns)

        # 1. a paid order appears within 2 s of being paid (the clock starts once the payment is
        # recorded: making and paying the order is the test's own work), without a reload, highlighted
        order = paid_order(world, notes="포크 2개 / two forks", memo=words["memo"])
        started = time.monotonic()
        ticket(page, order).wait_for(state="visible", timeout=2500)
        assert time.monotonic() - started < 2.0, f"the order took {time.monotonic() - started:.1f}s to appear"
        card = ticket(page, order)
        assert "is-fresh" in card.get_attribute("class")
        text = card.inner_text()
        assert f"#{order.number}" in text and words["delivery"] in text and "김민지" in text
        assert "트러플 파스타" in text and "Large" in text and "Bacon" in text and "two forks" in text
        assert words["memo"] in text and ADDRESS in text
        no_raw_codes(page)
        shoot(page, "board-new", language, width)

        # 2. accepted with 15 minutes from the dialog
        before = timezone.now()
        card.locator("[data-step='accepted']").click()
        page.wait_for_selector("#food-dialog[open]")
        no_raw_codes(page, "#food-dialog")
        shoot(page, "board-accept", language, width)
        page.click("#food-dialog [data-minutes='15']")
        page.wait_for_selector("#food-dialog", state="hidden")
        show_column(page, "accepted", width)
        page.locator(f"[data-column='accepted'] article[data-order='{order.pk}']").wait_for(state="visible")
        saved = in_kitchen(lambda: Ticket.objects.get(order_id=order.pk))
        assert saved.status == "accepted"
        assert dt.timedelta(minutes=14) < saved.ready_by - before < dt.timedelta(minutes=16)

        # 3. cooking, then ready: one tap each
        for target, column in (("cooking", "cooking"), ("ready", "ready")):
            ticket(page, order).locator(f"[data-step='{target}']").click()
            show_column(page, column, width)
            page.locator(f"[data-column='{column}'] article[data-order='{order.pk}']").wait_for(state="visible")
        assert in_kitchen(lambda: Order.objects.get(pk=order.pk).status) == "ready"
        shoot(page, "board-ready", language, width)

        # 4. a dish sold out from the board, then back on sale
        salad = world["salad"]
        page.click("#food-sold-out-toggle")
        switch = page.locator(f"#food-menu button[data-item='{salad.pk}']")
        assert words["on_sale"] in switch.inner_text()
        switch.click()
        page.wait_for_selector(f"#food-menu button[data-item='{salad.pk}'][aria-checked='true']")
        assert in_kitchen(lambda: Item.objects.get(pk=salad.pk).is_sold_out)
        assert words["sold_out"] in page.inner_text("#food-sold-out-toggle")
        no_raw_codes(page)
        shoot(page, "board-sold-out", language, width)
        page.locator(f"#food-menu button[data-item='{salad.pk}']").click()
        page.wait_for_selector(f"#food-menu button[data-item='{salad.pk}'][aria-checked='false']")
        assert not in_kitchen(lambda: Item.objects.get(pk=salad.pk).is_sold_out)
    finally:
        page.context.close()

    # 5. the rider: ready to go, taken out, delivered
    page = log_in(browser, server, RIDER, language, width)
    try:
        page.goto(server.url("/admin/food/ticket/rider/"))
        page.wait_for_selector("#food-board[data-ready='true']")
        card = page.locator(f"[data-column='ready'] article[data-order='{order.pk}']")
        text = card.inner_text()
        assert ADDRESS in text and words["memo"] in text and "010-2345-6789" in text
        assert card.locator("a[href^='tel:']").count() == 1
        assert words["ready_to_go"] in page.inner_text("#food-columns")
        no_raw_codes(page)
        shoot(page, "rider-ready", language, width)
        card.locator("[data-step='out_for_delivery']").click()
        mine = page.locator(f"[data-column='out_for_delivery'] article[data-order='{order.pk}']")
        mine.wait_for(state="visible")
        assert words["with_you"] in page.inner_text("#food-columns")
        shoot(page, "rider-out", language, width)
        mine.locator("[data-step='delivered']").click()
        mine.wait_for(state="detached")
        assert in_kitchen(lambda: Order.objects.get(pk=order.pk).status) == "delivered"
    finally:
        page.context.close()


def test_the_board_carries_on_across_a_restart_and_rings(browser, server, world):  # noqa: F811
    """The web server restarts under an open board: the board says it is reconnecting,
    then shows the next order by itself; the sound is turned on with a tap."""
    page = open_board(browser, server, COOK, "en", 1280)
    try:
        page.click("#food-sound")
        page.wait_for_selector("#food-sound[aria-pressed='true']")
        assert "Sound on" in page.inner_text("#food-sound")
        page.evaluate("""() => { window.__beeps = 0; const original = AudioContext.prototype.createOscillator;
            AudioContext.prototype.createOscillator = function () { window.__beeps += 1;
            return original.call(this); }; }""")
        server.stop()
        page.wait_for_selector("#food-connection[data-state='reconnecting']", timeout=10000)
        server.start()
        order = paid_order(world, fulfilment="pickup", dish="salad", options=(), customer="Restart Kim")
        ticket(page, order).wait_for(state="visible", timeout=15000)
        page.wait_for_selector("#food-connection[data-state='live']")
        assert page.evaluate("window.__beeps") > 0  # the new order rang
        # rejected with a reason from the dialog: the customer is refunded
        ticket(page, order).locator("[data-step='rejected']").click()
        page.click("#food-reason-confirm")
        assert page.locator("#food-dialog-error").is_visible()  # a reason is required
        page.fill("#food-reason", "Out of burrata today")
        page.click("#food-reason-confirm")
        ticket(page, order).wait_for(state="detached")
        from apps.orders.models import Order

        rejected = in_kitchen(lambda: Order.objects.get(pk=order.pk))
        assert rejected.status == "rejected" and rejected.refunded_amount == rejected.total
    finally:
        page.context.close()


OWNER_WORDS = {
    "en": {"paused": "Ordering is paused at 성수점", "taking": "성수점 is taking orders", "live": "Live orders",
           "today": "Kitchen today", "saved": "was changed successfully", "bands": "By distance (2 bands)",
           "hours": "Mon–Fri 07:00–10:30"},
    "ko": {"paused": "성수점 주문 접수가 일시 중지되었습니다", "taking": "성수점 주문 접수 중",
           "live": "진행 중인 주문", "today": "오늘의 주방", "saved": "성공적으로 변경", "bands": "거리별 (2개 구간)",
           "hours": "월–금 07:00–10:30"},
}


@pytest.mark.parametrize("run", [("en", 1280), ("ko", 390)], ids=["en-1280", "ko-390"])
def test_the_owner_pauses_a_branch_and_sets_its_rules(browser, server, world, run):  # noqa: F811
    """The owner: the kitchen's cards on the dashboard; the board of both branches with
    the branch picker; 성수점 paused from the board (a banner says so) and resumed; the
    branch's rules with two distance bands; breakfast hours; the kitchen's history."""
    from apps.food.models import BranchOrdering, MenuPeriod

    language, width = run
    words = OWNER_WORDS[language]
    branch = world["branch"]
    page = log_in(browser, server, OWNER, language, width)
    try:
        assert words["live"] in page.inner_text("#card-food-live")
        assert words["today"] in page.inner_text("#card-food-today")
        shoot(page, "dashboard", language, width)

        page.goto(server.url("/admin/food/ticket/board/"))
        page.wait_for_selector("#food-board[data-ready='true']")
        assert page.locator("#food-branch-picker option").count() == 3  # all, and the two branches
        assert words["taking"] in page.inner_text("#food-banners")
        page.click(f"#food-banners [data-pause='{branch.pk}']")
        page.click("#food-pause-confirm")
        page.wait_for_selector(f"#food-banners .food-banner.paused[data-branch='{branch.pk}']")
        assert words["paused"] in page.inner_text("#food-banners")
        assert in_kitchen(lambda: BranchOrdering.objects.get(branch=branch).paused)
        no_raw_codes(page)
        shoot(page, "board-paused", language, width)
        page.click(f"#food-banners [data-resume='{branch.pk}']")
        page.wait_for_selector(f"#food-banners .food-banner.open[data-branch='{branch.pk}']")
        assert not in_kitchen(lambda: BranchOrdering.objects.get(branch=branch).paused)
        page.select_option("#food-branch-picker", str(world["second"].pk))
        page.wait_for_selector("#food-board[data-ready='true']")
        assert "branch=" in page.url and "성수점" not in page.inner_text("#food-banners")

        page.goto(server.url(f"/admin/food/branchordering/{branch.pk}/change/"))
        page.fill("#id_band_0_up_to", "1000")
        page.fill("#id_band_0_fee", "2000")
        page.fill("#id_band_1_up_to", "3000")
        page.fill("#id_band_1_fee", "3500")
        shoot(page, "ordering-form", language, width)
        page.click("button[name=_save]")
        page.wait_for_selector("#result_list")
        assert words["saved"] in page.inner_text("body") and words["bands"] in page.inner_text("#result_list")
        shoot(page, "ordering-list", language, width)
        in_kitchen(lambda: BranchOrdering.objects.filter(branch=branch).update(delivery_bands=[]))

        page.goto(server.url("/admin/food/menuperiod/add/"))
        page.fill("#id_name", "Breakfast")
        for day in ("mon", "tue", "wed", "thu", "fri"):
            page.fill(f"#id_hours_{day}", "7:00-10:30")
        page.check(f"input[name=items][value='{world['pasta'].pk}']")
        shoot(page, "menu-hours-form", language, width)
        page.click("button[name=_save]")
        page.wait_for_selector("#result_list")
        assert words["hours"] in page.inner_text("#result_list")
        in_kitchen(lambda: MenuPeriod.objects.all().delete())

        page.goto(server.url("/admin/food/ticket/"))
        page.wait_for_selector("#result_list")
        no_raw_codes(page, "#content")
        shoot(page, "history", language, width)
    finally:
        page.context.close()
