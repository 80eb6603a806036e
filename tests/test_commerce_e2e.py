"""A consumer's whole purchase through real processes: the web server (runserver), a Celery
worker, and the sandbox provider's hosted checkout page in Chromium.

A consumer registers on a restaurant's host -> browses the menu -> orders two dishes with
options and a coupon -> pays on the hosted page -> the provider's signed webhook reaches
the inbound endpoint, is stored and processed by the worker -> the order is paid ->
staff refund part of it -> the consumer sees the refund in my/orders -> reviews the
order picked up -> the restaurant's rating shows in the public directory.

Every step also fails cleanly with bad input (our error shape, the code, nothing changed):
an unknown item, options breaking a group's min/max, a sold-out dish, an expired coupon, a
refund above what was captured, a replayed webhook, a review rating out of range."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import requests
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from standardwebhooks.webhooks import Webhook

from apps.accounts.models import User
from apps.directory.models import Listing
from apps.inbound.models import InboundEvent
from apps.payments.providers import merchant_provider
from tests.plugin import ARTIFACTS, PASSWORD, create_provisioned, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.browser]

SLUG = "e2e-bistro"
OWNER = "owner@e2e-bistro.test"
DINER = "diner@e2e-bistro.test"


class Http:
    """Requests to the live server with a host's name (subdomains of localhost need not resolve)."""

    def __init__(self, base: str, host: str):
        self.base, self.host, self.token = base, host, None

    def __call__(self, method: str, path: str, body=None, **headers):
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return requests.request(method, self.base + path, json=body, timeout=20,
                                headers={"Host": self.host, "Accept": "application/json", **headers})


def assert_error(response, status: int | tuple, code: str):
    assert response.status_code in (status if isinstance(status, tuple) else (status,)), response.text[:500]
    error = response.json()["error"]
    assert error["code"] == code and error["message"], error
    return error


def _catalog(tenant, owner):
    """The restaurant's menu and coupons, as the owner sets them up in the admin."""
    from apps.branches.models import Branch
    from apps.catalog.services import item_create
    from apps.coupons.services import coupon_create

    with schema_context(tenant.schema_name):
        pasta = item_create(actor=owner, kind="menu_item", name="트러플 파스타", price=19000,
                            translations={"en": {"name": "Truffle pasta"}}, option_groups=[
                                {"name": "Size", "required": True, "min_choices": 1, "max_choices": 1,
                                 "options": [{"name": "Regular"}, {"name": "Large", "price_delta": 4000}]},
                                {"name": "Toppings", "min_choices": 0, "max_choices": 2,
                                 "options": [{"name": "Bacon", "price_delta": 2000},
                                             {"name": "Mushroom", "price_delta": 1500},
                                             {"name": "Parmesan", "price_delta": 1000}]}])
        lemonade = item_create(actor=owner, kind="menu_item", name="Lemonade", price=5500, option_groups=[
            {"name": "Ice", "required": True, "min_choices": 1, "max_choices": 1,
             "options": [{"name": "Regular ice"}, {"name": "Less ice"}]}])
        fries = item_create(actor=owner, kind="menu_item", name="Fries", price=6000, is_sold_out=True)
        coupon_create(actor=owner, code="WELCOME3000", name="Welcome", kind="fixed", amount=3000,
                      min_order_amount=10000)
        coupon_create(actor=owner, code="OLD10", name="Expired", kind="percent", percent=10,
                      valid_until=timezone.now() - dt.timedelta(days=1))
        options = {option.name: option.pk for item in (pasta, lemonade) for group in item.option_groups.all()
                   for option in group.options.all()}
        # a restaurant's orders name the branch (no opening hours given: always open)
        branch = Branch.objects.create(name="Seongsu")
    connection.set_schema_to_public()
    return {"pasta": pasta.pk, "lemonade": lemonade.pk, "fries": fries.pk, "options": options, "branch": branch.pk}


def _order_count(tenant) -> int:
    from apps.orders.models import Order

    with schema_context(tenant.schema_name):
        count = Order.objects.count()
    connection.set_schema_to_public()
    return count


def test_a_consumer_orders_pays_gets_a_partial_refund_and_reviews(celery_worker_process, live_server_url, committed,
                                                                  browser):
    committed.tenant_slug(SLUG)
    committed.email(OWNER)
    committed.email(DINER)
    tenant = create_provisioned(slug=SLUG, name="E2E Bistro", business_type="food", owner_email=OWNER)
    owner = User.objects.get(email=OWNER)
    owner.set_password(PASSWORD)
    owner.save()
    menu = _catalog(tenant, owner)
    options = menu["options"]

    public_base = live_server_url.format(host="localhost")
    shop = Http(live_server_url.format(host="127.0.0.1"), f"{SLUG}.{settings.BASE_DOMAIN}")
    platform = Http(live_server_url.format(host="127.0.0.1"), settings.BASE_DOMAIN)
    provider = merchant_provider()
    webhook_url = public_base + "/api/v1/platform/webhooks/merchant-payments/"
    provider.register_webhook_url(webhook_url)
    try:
        # 1. Register on the restaurant's host (terms and privacy are required).
        refused = shop("POST", "/api/v1/auth/register/", {
            "email": DINER, "password": "long-enough-pass-42", "name": "Kang Minseo",
            "consents": {"terms": True, "privacy": False}})
        assert refused.status_code == 400 and refused.json()["error"]["code"]
        registered = shop("POST", "/api/v1/auth/register/", {
            "email": DINER, "password": "long-enough-pass-42", "name": "Kang Minseo", "language": "ko",
            "consents": {"terms": True, "privacy": True, "marketing": True}})
        assert registered.status_code == 201, registered.text
        shop.token = registered.json()["tokens"]["access"]

        # 2. Browse the menu (anonymous works too), in English.
        items = requests.get(shop.base + "/api/v1/catalog/items/", timeout=20,
                             headers={"Host": shop.host, "Accept-Language": "en"}).json()
        rows = items["results"] if isinstance(items, dict) else items
        names = {row["name"] for row in rows}
        assert {"Truffle pasta", "Lemonade"} <= names

        # 3. Bad orders change nothing.
        before = _order_count(tenant)
        assert_error(shop("POST", "/api/v1/orders/", {"fulfilment": "pickup", "branch": menu["branch"], "lines": [
            {"item": 999999, "quantity": 1, "options": []}]}), (400, 422), "unknown_item")
        too_many = shop("POST", "/api/v1/orders/", {"fulfilment": "pickup", "branch": menu["branch"], "lines": [
            {"item": menu["pasta"], "quantity": 1,
             "options": [options["Regular"], options["Bacon"], options["Mushroom"], options["Parmesan"]]}]})
        assert_error(too_many, (400, 422), "option_choices")
        missing = shop("POST", "/api/v1/orders/", {"fulfilment": "pickup", "branch": menu["branch"], "lines": [
            {"item": menu["pasta"], "quantity": 1, "options": []}]})
        assert_error(missing, (400, 422), "option_choices")
        sold_out = shop("POST", "/api/v1/orders/", {"fulfilment": "pickup", "branch": menu["branch"], "lines": [
            {"item": menu["fries"], "quantity": 1, "options": []}]})
        assert sold_out.status_code in (400, 409, 422) and sold_out.json()["error"]["code"] in ("item_unavailable",
                                                                                               "out_of_stock")
        expired = shop("POST", "/api/v1/orders/", {"fulfilment": "pickup", "branch": menu["branch"], "coupon": "OLD10",
                                                   "lines": [
            {"item": menu["lemonade"], "quantity": 2, "options": [options["Less ice"]]}]})
        assert_error(expired, (400, 409, 422), "coupon_expired")
        assert _order_count(tenant) == before

        # 4. The real order: two dishes with options and a coupon; the same key replays it.
        body = {"fulfilment": "pickup", "branch": menu["branch"], "coupon": "WELCOME3000", "notes": "덜 맵게",
                "lines": [
            {"item": menu["pasta"], "quantity": 1, "options": [options["Large"], options["Bacon"]]},
            {"item": menu["lemonade"], "quantity": 2, "options": [options["Less ice"]]}]}
        key = f"e2e-{uuid.uuid4()}"
        placed = shop("POST", "/api/v1/orders/", body, **{"Idempotency-Key": key})
        assert placed.status_code == 201, placed.text
        order = placed.json()
        assert order["subtotal"] == 19000 + 4000 + 2000 + 2 * 5500
        assert order["discount_total"] == 3000 and order["total"] == order["subtotal"] - 3000
        again = shop("POST", "/api/v1/orders/", body, **{"Idempotency-Key": key})
        assert again.status_code == 200 and again.json()["id"] == order["id"]
        assert_error(shop("POST", "/api/v1/orders/", {**body, "notes": "other"}, **{"Idempotency-Key": key}),
                     422, "idempotency_key_reused")

        # 5. Pay on the provider's hosted page, in a real browser.
        checkout = shop("POST", f"/api/v1/orders/{order['id']}/pay/")
        assert checkout.status_code in (200, 201), checkout.text
        url = public_base + "/payments/" + checkout.json()["checkout_url"].split("/payments/", 1)[1]
        context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(url)
        assert "E2E Bistro" in page.inner_text("#merchant")
        assert page.inner_text("#amount").replace(",", "").endswith(str(order["total"]))
        page.screenshot(path=str(ARTIFACTS / "e2e-checkout-ko-390.png"), full_page=True)
        page.click("#card_success")
        page.wait_for_selector("#result")
        page.screenshot(path=str(ARTIFACTS / "e2e-checkout-paid-ko-390.png"), full_page=True)
        context.close()

        def paid():
            mine = shop("GET", f"/api/v1/my/orders/{order['id']}/").json()
            return mine if mine["payment_status"] == "paid" else None

        mine = wait_for(paid, "the webhook to mark the order paid")
        assert mine["paid_amount"] == order["total"]
        event = InboundEvent.objects.get(source="merchant_payments", event_type="Transaction.Paid",
                                         payload__data__payment_id=checkout.json()["reference"])
        assert event.status == "processed"

        # 6. The provider sends the same message again: stored once, nothing changes.
        replay_body = json.dumps(event.payload)
        now = timezone.now()
        signature = Webhook(settings.PAYMENTS_WEBHOOK_SECRET).sign(event.event_id, now, replay_body)
        replay = requests.post(webhook_url, data=replay_body.encode(), timeout=20, headers={
            "content-type": "application/json", "webhook-id": event.event_id,
            "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": signature})
        assert replay.status_code in (200, 202), replay.text
        forged = requests.post(webhook_url, data=replay_body.encode(), timeout=20, headers={
            "content-type": "application/json", "webhook-id": "msg_forged",
            "webhook-timestamp": str(int(now.timestamp())), "webhook-signature": "v1,bm90LWEtc2lnbmF0dXJl"})
        assert forged.status_code in (400, 401, 403) and forged.json()["error"]["code"]
        assert InboundEvent.objects.filter(source="merchant_payments", event_id=event.event_id) \
            .exclude(status="rejected").count() == 1
        assert shop("GET", f"/api/v1/my/orders/{order['id']}/").json()["paid_amount"] == order["total"]

        # 7. Staff refund part of it (the lemonades); more than was captured is refused.
        staff = Http(shop.base, shop.host)
        staff.token = requests.post(shop.base + "/api/v1/auth/token/", json={"email": OWNER, "password": PASSWORD},
                                    headers={"Host": shop.host}, timeout=20).json()["access"]
        assert_error(staff("POST", f"/api/v1/orders/{order['id']}/refunds/",
                           {"amount": order["total"] + 1, "reason": "too much"},
                           **{"Idempotency-Key": f"e2e-over-{uuid.uuid4()}"}), (409, 422), "refund_exceeds_captured")
        refund_key = f"e2e-refund-{uuid.uuid4()}"
        refunded = staff("POST", f"/api/v1/orders/{order['id']}/refunds/",
                         {"amount": 11000, "reason": "Lemonades were not available"}, **{"Idempotency-Key": refund_key})
        assert refunded.status_code == 201, refunded.text
        twice = staff("POST", f"/api/v1/orders/{order['id']}/refunds/",
                      {"amount": 11000, "reason": "Lemonades were not available"}, **{"Idempotency-Key": refund_key})
        assert twice.status_code in (200, 201)
        mine = shop("GET", f"/api/v1/my/orders/{order['id']}/").json()
        assert mine["refunded_amount"] == 11000 and mine["payment_status"] == "partially_refunded"

        # 8. The kitchen accepts, cooks and hands it over; the consumer reviews it (once, rating 1-5).
        for status in ("accepted", "cooking", "ready", "picked_up"):
            assert staff("POST", f"/api/v1/orders/{order['id']}/status/", {"status": status}).status_code == 200
        assert_error(shop("POST", f"/api/v1/my/orders/{order['id']}/review/", {"rating": 6, "text": "!"}),
                     400, "validation_error")
        review = shop("POST", f"/api/v1/my/orders/{order['id']}/review/",
                      {"rating": 5, "text": "파스타가 정말 맛있어요."})
        assert review.status_code == 201, review.text
        assert shop("POST", f"/api/v1/my/orders/{order['id']}/review/", {"rating": 4}).status_code == 409

        # 9. The restaurant lists itself; its rating shows in the public directory.
        assert staff("PATCH", "/api/v1/listing/", {"is_listed": True}).status_code == 200
        listed = platform("GET", "/api/v1/directory/?category=food&ordering=-rating").json()
        rows = listed["results"] if isinstance(listed, dict) else listed
        ours = next(row for row in rows if row["slug"] == SLUG)
        assert float(ours["rating_avg"]) == 5.0 and ours["rating_count"] == 1
        profile = platform("GET", f"/api/v1/directory/{SLUG}/").json()
        assert profile["name"] == "E2E Bistro"
    finally:
        provider.register_webhook_url("")
        Listing.objects.filter(tenant=tenant).delete()
