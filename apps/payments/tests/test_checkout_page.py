"""The sandbox provider's hosted checkout page on the public host: what it shows (EN/KO),
and that choosing a card sends exactly one signed webhook after commit."""

import json

from django.conf import settings
from django_tenants.utils import schema_context
from standardwebhooks.webhooks import Webhook

from apps.payments import sandbox
from apps.payments.models import Payment
from apps.payments.services import payment_start
from tests.plugin import client_for

from .helpers import WebhookCatcher, checkout_path, make_order, submit_card


def start(total=23000):
    order = make_order(total=total)
    with schema_context("alpha"):
        payment, url = payment_start(order=order, actor=None)
    return order, payment, url


def test_the_page_shows_merchant_order_and_amount_in_english_and_korean(tenant_alpha):
    order, payment, url = start(total=1234500)
    english = client_for(None, HTTP_ACCEPT_LANGUAGE="en").get(checkout_path(url))
    assert english.status_code == 200
    html = english.content.decode()
    assert "Alpha Academy" in html and f"Order #{order.number}" in html and "₩1,234,500" in html
    assert "Test card that pays" in html and "Test card that is declined" in html
    assert "Test card without enough funds" in html and 'name="card"' in html

    korean = client_for(None, HTTP_ACCEPT_LANGUAGE="ko").get(checkout_path(url)).content.decode()
    assert "Alpha Academy" in korean and f"주문 #{order.number}" in korean and "₩1,234,500" in korean
    assert "결제되는 테스트 카드" in korean and "Test card that pays" not in korean
    assert '<html lang="ko"' in korean or 'lang="ko"' in korean


def test_choosing_a_card_sends_one_signed_webhook_after_commit(tenant_alpha):
    order, payment, url = start(total=15000)
    with WebhookCatcher() as catcher:
        page, submitted = submit_card(url, "card_success")
        assert page.status_code == 200 and submitted.status_code == 200
        assert "Payment approved" in submitted.content.decode()
        # submitting again (a double click, the back button) sends nothing more
        _page, again = submit_card(url, "card_declined")
        assert "Payment approved" in again.content.decode()
    assert len(catcher.received) == 1
    body, headers = catcher.received[0]
    Webhook(settings.PAYMENTS_WEBHOOK_SECRET).verify(body, headers)  # raises when not signed right
    assert json.loads(body) == {"type": "Transaction.Paid", "data": {
        "merchant": "alpha", "payment_id": payment.reference, "amount": 15000, "currency": "KRW", "method": "card"}}
    assert sandbox.session(payment.reference)["status"] == "paid"
    with schema_context("alpha"):  # the provider only reported it: our payment waits for the webhook
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.READY


def test_a_declined_card_shows_why_in_korean(tenant_alpha):
    _order, payment, url = start()
    with WebhookCatcher() as catcher:
        _page, submitted = submit_card(url, "card_insufficient_funds", language="ko")
    assert "카드 잔액이 부족합니다" in submitted.content.decode()
    assert json.loads(catcher.received[0][0])["data"]["failure_reason"] == "insufficient_funds"


def test_unknown_references_and_other_providers_get_nothing(tenant_alpha, settings):
    assert client_for(None).get("/payments/sandbox/checkout/ord_sbx_nope/").status_code == 404
    _order, _payment, url = start()
    settings.PAYMENTS_PROVIDER = "apps.payments.tests.test_refunds.ProviderDown"
    assert client_for(None).get(checkout_path(url)).status_code == 404
    # on a tenant host the page does not exist at all
    assert client_for("alpha").get(checkout_path(url)).status_code == 404
