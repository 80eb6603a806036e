"""A restaurant's kitchen board and rider page in a real browser (Playwright + Debian
Chromium), in English and Korean, at a kitchen tablet's 1280x800 and a phone's 390x844.

One food workspace, provisioned once for the module, with committed data made through
the services: a branch that delivers, two dishes with option groups, a cook and a rider
of the branch, orders already at each step. The web server is this module's own
runserver, so that one test can restart it under an open board. Each run walks

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
import re
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.browser import screens
from tests.plugin import ARTIFACTS, PASSWORD, ROOT, Committed, create_provisioned, subprocess_env

pytestmark = pytest.mark.browser

SLUG = "kitchen-ui"
SCHEMA = SLUG.replace("-", "_")
OWNER, COOK, RIDER = f"owner@{SLUG}.test", f"cook@{SLUG}.test", f"rider@{SLUG}.test"
LOCALES = {"en": "en-US", "ko": "ko-KR"}
VIEWPORTS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
RUNS = [("en", 1280), ("ko", 1280), ("en", 390), ("ko", 390)]
RUN_IDS = [f"{language}-{width}" for language, width in RUNS]
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
ADDRESS = "서울 성동구 성수이로 12, 301호"

WORDS = {
    "en": {"new": "New", "accepted": "Accepted", "cooking": "Cooking", "ready": "Ready", "delivery": "Delivery",
           "memo": "Leave it at the door", "take_out": "Take out", "delivered": "Delivered",
           "sold_out": "Sold out", "on_sale": "On sale", "ready_to_go": "Ready to go", "with_you": "Out with you"},
    "ko": {"new": "신규", "accepted": "접수", "cooking": "조리 중", "ready": "준비 완료", "delivery": "배달",
           "memo": "Leave it at the door", "take_out": "배달 출발", "delivered": "배달 완료",
           "sold_out": "품절", "on_sale": "판매 중", "ready_to_go": "출발 대기", "with_you": "배달 중"},
}


class WebServer:
    """runserver on a fixed port, stopped and started again on demand (a deploy)."""

    def __init__(self, mail_folder):
        from tests.plugin import _free_port

        self.port = _free_port()
        self.mail_folder = mail_folder
        self.process = None
        self.log = ARTIFACTS / "food-web.log"

    def start(self):
        from tests.plugin import _wait_for_port

        out = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--insecure", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=subprocess_env(EMAIL_URL=f"filemail:///{self.mail_folder}"), stdout=out,
            stderr=subprocess.STDOUT)
        _wait_for_port(self.port, self.process, self.log)

    def stop(self):
        from tests.plugin import _stop

        if self.process is not None:
            _stop(self.process, seconds=10)
            self.process = None

    def url(self, path="/admin/"):
        return f"http://{SLUG}.localhost:{self.port}{path}"


@pytest.fixture(scope="module")
def server(platform_seed, live_server_mail):
    ARTIFACTS.mkdir(exist_ok=True)
    web = WebServer(live_server_mail)
    web.start()
    yield web
    web.stop()


def in_kitchen(function, *args, **kwargs):
    with schema_context(SCHEMA):
        result = function(*args, **kwargs)
    connection.set_schema_to_public()
    return result


def _staff(tenant, email: str, name: str, role: str, branch):
    from apps.accounts.models import Membership, User
    from apps.accounts.services import membership_ensure
    from apps.rbac.models import Role
    from apps.rbac.services import role_assign
    from apps.staff.services import staff_profile_ensure

    user = User.objects.create_user(email, PASSWORD, full_name=name)
    membership_ensure(user=user, tenant=tenant, kind=Membership.Kind.STAFF)
    with schema_context(SCHEMA):
        staff_profile_ensure(user=user)
        role_assign(user=user, role=Role.objects.get(key=role), branches=[branch])
    connection.set_schema_to_public()
    return user


def paid_order(world, *, fulfilment="delivery", dish="pasta", options=("Large", "Bacon"), notes="", memo="",
               customer="김민지"):
    """A consumer's order at the branch, paid through the sandbox (committed)."""
    from apps.crm.models import Customer
    from apps.food.tests.conftest import NEAR, option_ids, pay
    from apps.orders.services import order_create

    def make():
        item = world[dish]
        buyer, _created = Customer.objects.get_or_create(name=customer, defaults={"branch": world["branch"]})
        delivery = {"address": ADDRESS, "phone": "010-2345-6789", "memo": memo, **NEAR} \
            if fulfilment == "delivery" else None
        order = order_create(customer=buyer, branch=world["branch"], fulfilment=fulfilment, delivery=delivery,
                             actor=None, notes=notes,
                             lines=[{"item": item.pk, "quantity": 2 if dish == "pasta" else 1,
                                     "options": option_ids(item, *options)}])
        pay(order)
        return order

    return in_kitchen(make)


def step(world, order, *steps, minutes=20):
    from apps.food.services.tickets import food_order_step
    from apps.orders.models import Order

    def move():
        current = Order.objects.get(pk=order.pk)
        for target in steps:
            details = {"ready_in_minutes": minutes} if target == "accepted" else None
            current = food_order_step(order=current, to_status=target, actor=world["owner"], details=details)
        return current

    return in_kitchen(move)


@pytest.fixture(scope="module")
def world(server, django_db_blocker):
    """The restaurant, once for the module, committed for the web server, removed after."""
    from apps.accounts.models import User
    from apps.food.tests.conftest import make_branch, make_dish

    helper = Committed()
    with django_db_blocker.unblock():
        helper.tenant_slug(SLUG)
        for email in (OWNER, COOK, RIDER):
            helper.email(email)
        try:
            tenant = create_provisioned(slug=SLUG, name="Seongsu Bistro", business_type="food", owner_email=OWNER)
            connection.set_schema_to_public()
            owner = User.objects.get(email=OWNER)
            owner.set_password(PASSWORD)
            owner.save()
            with schema_context(SCHEMA):
                branch = make_branch("성수점", pickup=True, delivery=True, delivery_fee=3000, min_order_amount=10000,
                                     prep_minutes=20)
                second = make_branch("한남점", pickup=True)
                pasta = make_dish("트러플 파스타", 19000)
                salad = make_dish("Burrata salad", 14000, options=False)
            connection.set_schema_to_public()
            world = {"tenant": tenant, "owner": owner, "branch": branch, "second": second, "pasta": pasta,
                     "salad": salad}
            world["cook"] = _staff(tenant, COOK, "이주방", "kitchen", branch)
            world["rider"] = _staff(tenant, RIDER, "박라이더", "rider", branch)
            # orders already at each step, so that every column shows something
            cooking = paid_order(world, fulfilment="pickup", notes="양파 빼주세요 (no onions)", customer="Olivia Park")
            step(world, cooking, "accepted", "cooking")
            accepted = paid_order(world, dish="salad", options=(), fulfilment="pickup", customer="최서준")
            step(world, accepted, "accepted", minutes=15)
            ready = paid_order(world, dish="salad", options=(), fulfilment="pickup", customer="정하늘")
            step(world, ready, "accepted", "cooking", "ready")
            yield world
        finally:
            connection.set_schema_to_public()
            helper.cleanup()


def log_in(browser, server, email, language, width):
    context = browser.new_context(locale=LOCALES[language], viewport=VIEWPORTS[width])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(server.url())
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")
    return page


def shoot(page, name, language, width):
    screens.shoot(page, f"food-{name}-{language}-{width}")


def no_raw_codes(page, where="#food-board"):
    return screens.no_raw_codes(page, where, pattern=RAW_CODE)


def show_column(page, status, width):
    """On a phone one column shows at a time: pick its tab."""
    if width <= 760:
        page.click(f"#food-tabs [data-tab='{status}']")


def ticket(page, order):
    return page.locator(f"article.food-ticket[data-order='{order.pk}']")


def open_board(browser, server, email, language, width):
    page = log_in(browser, server, email, language, width)
    page.goto(server.url("/admin/food/ticket/board/"))
    page.wait_for_selector("#food-board[data-ready='true']")
    return page


@pytest.mark.parametrize("run", RUNS, ids=RUN_IDS)
def test_a_delivery_through_the_kitchen_and_the_rider(browser, server, world, run):
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

        # 1. a paid order appears within 2 s, without a reload, highlighted
        started = time.monotonic()
        order = paid_order(world, notes="포크 2개 / two forks", memo=words["memo"])
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


def test_the_board_carries_on_across_a_restart_and_rings(browser, server, world):
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
def test_the_owner_pauses_a_branch_and_sets_its_rules(browser, server, world, run):
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
