"""Helpers of tests/test_food_e2e.py: a restaurant made for the test (committed, through
the services), HTTP to the live server with a host's name, the kitchen staff's and the
rider's logins in Chromium, paying on the sandbox's hosted page, and what the consumer
and the owner were told."""

from __future__ import annotations

import re

import requests
from django.db import connection
from django_tenants.utils import schema_context

from apps.branches.validation import WEEKDAYS
from tests.plugin import ARTIFACTS, PASSWORD, artifact_log, create_provisioned
from tests.workspace import in_schema, staff_committed
from tests.workspace import let_the_worker_finish as finish

SLUG = "e2e-kitchen"
SCHEMA = SLUG.replace("-", "_")
OWNER, COOK, RIDER, DINER = (f"{who}@{SLUG}.test" for who in ("owner", "cook", "rider", "diner"))
BRANCH = "성수점"
SPOT = {"latitude": "37.544000", "longitude": "127.055900"}  # the branch (Seongsu)
NEAR = {"latitude": "37.547000", "longitude": "127.060000"}  # about 500 m away: the first band
ALL_DAY = {day: ["00:00-24:00"] for day in WEEKDAYS}  # open whenever the test runs
BANDS = [{"up_to_m": 1000, "fee": 2000}, {"up_to_m": 3000, "fee": 3500}]
ADDRESS = {"address": "서울 성동구 성수이로 12, 301호", "phone": "010-2345-6789", "memo": "문 앞에 놓아 주세요"}
PRICE, LARGE, BACON = 19000, 4000, 2000


class Http:
    """Requests to the live server with a host's name (subdomains of localhost need not resolve)."""

    def __init__(self, base: str, host: str, token: str | None = None, language: str = "ko"):
        self.base, self.host, self.token, self.language = base, host, token, language

    def __call__(self, method: str, path: str, body=None, **headers):
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return requests.request(method, self.base + path, json=body, timeout=20, headers={
            "Host": self.host, "Accept": "application/json", "Accept-Language": self.language, **headers})

    def as_(self, token: str) -> Http:
        return Http(self.base, self.host, token, self.language)


def ok(response, status=(200, 201)):
    assert response.status_code in (status if isinstance(status, tuple) else (status,)), \
        f"{response.request.method} {response.request.path_url}: {response.status_code} {response.text[:500]}"
    return response.json()


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text[:500]
    error = response.json()["error"]
    assert error["code"] == code and error["message"], error
    return error


def restaurant(committed) -> dict:
    """A food workspace with one branch open now that delivers (by distance band), a dish
    with option groups, a cook and a rider of the branch. Committed; `committed` drops it."""
    from apps.accounts.models import User
    from apps.branches.models import Branch
    from apps.catalog.services import item_create
    from apps.food.services.ordering import ordering_update

    committed.tenant_slug(SLUG)
    for email in (OWNER, COOK, RIDER, DINER):
        committed.email(email)
    tenant = create_provisioned(slug=SLUG, name="E2E Kitchen", business_type="food", owner_email=OWNER)
    owner = User.objects.get(email=OWNER)
    owner.set_password(PASSWORD)
    owner.save()
    with schema_context(SCHEMA):
        branch = Branch.objects.create(name=BRANCH, opening_hours=ALL_DAY, address="서울 성동구 성수이로 1")
        ordering_update(branch=branch, actor=owner, pickup=True, delivery=True, delivery_bands=BANDS,
                        min_order_amount=15000, prep_minutes=20, delivery_minutes=25, accept_within_minutes=5,
                        board_offline_minutes=10, **SPOT)
        pasta = item_create(actor=owner, kind="menu_item", name="트러플 파스타", price=PRICE,
                            translations={"en": {"name": "Truffle pasta"}}, option_groups=[
                                {"name": "Size", "required": True, "min_choices": 1, "max_choices": 1,
                                 "options": [{"name": "Regular"}, {"name": "Large", "price_delta": LARGE}]},
                                {"name": "Toppings", "min_choices": 0, "max_choices": 2,
                                 "options": [{"name": "Bacon", "price_delta": BACON},
                                             {"name": "Mushrooms", "price_delta": 1500}]}])
    connection.set_schema_to_public()
    return {"tenant": tenant, "owner": owner, "branch": branch, "pasta": pasta,
            "cook": staff_committed(tenant, COOK, "이주방", "kitchen", [branch]),
            "rider": staff_committed(tenant, RIDER, "박라이더", "rider", [branch])}


def token(shop: Http, email: str, password: str = PASSWORD) -> str:
    return ok(shop("POST", "/api/v1/auth/token/", {"email": email, "password": password}), 200)["access"]


# --- Chromium ----------------------------------------------------------------------------


def log_in(browser, base: str, email: str, *, width: int = 1280):
    """A staff member's own browser (Korean), logged into the tenant admin."""
    context = browser.new_context(locale="ko-KR", viewport={"width": width, "height": 800 if width > 760 else 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(base + "/admin/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")
    return page


def open_board(browser, base: str, email: str, path: str = "/admin/food/ticket/board/"):
    page = log_in(browser, base, email)
    page.goto(base + path)
    page.wait_for_selector("#food-board[data-ready='true']")
    return page


def watch_for(page, order_id: int) -> None:
    """The page notes (in the browser's clock) when the order's card first appears."""
    page.evaluate("""(id) => {
        window.__seenAt = null;
        const look = () => {
            if (window.__seenAt === null && document.querySelector(`article.food-ticket[data-order='${id}']`)) {
                window.__seenAt = Date.now();
            }
        };
        new MutationObserver(look).observe(document.body, {childList: true, subtree: true});
        look();
    }""", order_id)


def card(page, order_id: int, column: str | None = None):
    where = f"[data-column='{column}'] " if column else ""
    return page.locator(f"{where}article.food-ticket[data-order='{order_id}']")


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"food-e2e-{name}.png"), full_page=True)


def pay_on_hosted_page(browser, consumer: Http, public_base: str, order: dict, shot: str = "") -> str:
    """Pay the order on the sandbox's hosted page in a phone's browser; the provider's
    signed webhook then reaches the platform. Returns the payment's reference."""
    checkout = ok(consumer("POST", f"/api/v1/orders/{order['id']}/pay/"))
    url = public_base + "/payments/" + checkout["checkout_url"].split("/payments/", 1)[1]
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(url)
        assert "E2E Kitchen" in page.inner_text("#merchant")
        assert page.inner_text("#amount").replace(",", "").endswith(str(order["total"]))
        page.click("#card_success")
        page.wait_for_selector("#result")
        if shot:
            shoot(page, shot)
    finally:
        context.close()
    return checkout["reference"]


# --- What people were told ------------------------------------------------------------------


def told(person: Http, event: str, number: int | None = None) -> list[dict]:
    """`person`'s in-app notifications of `event` (about order #`number`), oldest first."""
    rows = ok(person("GET", "/api/v1/my/notifications/?page_size=100"), 200)["results"]
    about = re.compile(rf"#{number}(?!\d)")
    return [row for row in reversed(rows) if row["event"] == event and (number is None or about.search(row["title"]))]


def worker_ran(task: str, task_id: str) -> str | None:
    """What the Celery worker (not this process) logged when the task succeeded: the line
    with its result, once it has run."""
    line = f"Task {task}[{task_id}] succeeded"
    return next((row for row in artifact_log("celery-worker").read_text().splitlines() if line in row), None)


def in_shop(function, *args, **kwargs):
    return in_schema(SCHEMA, function, *args, **kwargs)


def let_the_worker_finish(seconds: float = 30) -> None:
    finish(SCHEMA, seconds=seconds)
