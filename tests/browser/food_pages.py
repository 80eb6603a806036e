"""The world the kitchen board's browser walks (tests/browser/test_food_board.py) run in,
and the moves they make in it.

One food workspace, provisioned once for the module, with committed data made through
the services: a branch that delivers (and a second one), two dishes with option groups,
a cook and a rider of the branch, orders already at each step. The web server is the
module's own runserver (`server`), so that a test can restart it under an open board."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.browser import screens
from tests.plugin import ARTIFACTS, PASSWORD, ROOT, Committed, create_provisioned, subprocess_env
from tests.workspace import in_schema, staff_committed

SLUG = "kitchen-ui"
SCHEMA = SLUG.replace("-", "_")
OWNER, COOK, RIDER = f"owner@{SLUG}.test", f"cook@{SLUG}.test", f"rider@{SLUG}.test"
LOCALES = {"en": "en-US", "ko": "ko-KR"}
VIEWPORTS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
ADDRESS = "서울 성동구 성수이로 12, 301호"


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
            world["cook"] = staff_committed(tenant, COOK, "이주방", "kitchen", [branch])
            world["rider"] = staff_committed(tenant, RIDER, "박라이더", "rider", [branch])
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


def in_kitchen(function, *args, **kwargs):
    return in_schema(SCHEMA, function, *args, **kwargs)
