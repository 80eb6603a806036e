"""Test helpers for payments: orders and consumers, the sandbox's hosted page, and a
webhook catcher standing in for the network between the provider and our endpoint."""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django_tenants.utils import schema_context

from apps.accounts.models import Membership, User
from apps.accounts.services import membership_ensure
from apps.core.tasks_inline import tasks_in_process
from apps.inbound.models import InboundEvent
from apps.inbound.senders import signed_headers
from apps.inbound.services import inbound_process
from apps.orders.models import Order
from apps.payments.providers import SandboxMerchantProvider
from tests.plugin import PASSWORD, client_for
from tests.workspace import make_customer, tenant

WEBHOOK_URL = "/api/v1/platform/webhooks/merchant-payments/"
JSON = "application/json"
_numbers = itertools.count(90000)


def make_order(slug: str = "alpha", *, total: int = 23000, customer=None, status: str = "placed",
               paid_amount: int = 0) -> Order:
    with schema_context(slug):
        return Order.objects.create(number=next(_numbers), total=total, subtotal=total, customer=customer,
                                    status=status, paid_amount=paid_amount,
                                    payment_status="paid" if paid_amount else "unpaid")


def make_consumer(slug: str, email: str, name: str = "Kim Minji"):
    user = User.objects.filter(email=email).first() or User.objects.create_user(email, PASSWORD)
    membership_ensure(user=user, tenant=tenant(slug), kind=Membership.Kind.CUSTOMER)
    customer = make_customer(slug, name, user=user)
    connection.set_schema_to_public()
    return user, customer


def webhook_headers(headers: dict) -> dict:
    """Standard Webhooks headers as test-client keyword arguments."""
    return {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}


def post_webhook(body: dict | str, *, secret: str | None = None, msg_id: str | None = None, when=None,
                 send: str | None = None):
    """Sign `body` as the provider would and post it to our endpoint on the public host
    (`send`: post this text instead, under the signature of `body`). (response, headers)."""
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = signed_headers(secret=secret or settings.PAYMENTS_WEBHOOK_SECRET, body=raw, msg_id=msg_id, when=when)
    response = client_for(None).post(WEBHOOK_URL, raw if send is None else send, content_type=JSON,
                                     **webhook_headers(headers))
    return response, headers


def process(headers: dict) -> InboundEvent:
    """Run the stored event's handler, as the worker would."""
    event = InboundEvent.objects.get(source="merchant_payments", event_id=headers["webhook-id"])
    return inbound_process(event_pk=event.pk)


class WebhookCatcher:
    """A local HTTP endpoint registered as the sandbox's webhook URL: it records what the
    provider's sender (apps.inbound's Celery task, run in this process) posts, so that a
    test can hand it to our endpoint through the test client."""

    def __init__(self):
        self.received: list[tuple[bytes, dict]] = []
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                catcher.received.append((body, {k.lower(): v for k, v in self.headers.items()}))
                self.send_response(202)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook/"

    def __enter__(self):
        self.thread.start()
        SandboxMerchantProvider().register_webhook_url(self.url)
        return self

    def __exit__(self, *exc):
        SandboxMerchantProvider().register_webhook_url("")
        self.server.shutdown()
        self.server.server_close()

    def forward(self):
        """Post what was caught to our endpoint (public host), untouched; the responses."""
        responses = []
        for body, headers in self.received:
            responses.append(client_for(None).post(WEBHOOK_URL, body, content_type=JSON, **webhook_headers(
                {name: headers[name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")})))
        return responses


def checkout_path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def submit_card(checkout_url: str, card: str, *, language: str = "en"):
    """The payer on the sandbox's hosted page: open it, choose `card`. Returns (page,
    after-submit page); the provider's webhook is sent (after commit) to the catcher."""
    client = client_for(None, HTTP_ACCEPT_LANGUAGE=language)
    path = checkout_path(checkout_url)
    page = client.get(path)
    with tasks_in_process(), TestCase.captureOnCommitCallbacks(execute=True):
        submitted = client.post(path, {"card": card})
    return page, submitted


def pay(order, *, slug: str = "alpha", card: str = "card_success", actor=None):
    """Pay the order through the sandbox (page, signed webhook, our endpoint, handler):
    (the payment as recorded, the webhook's body)."""
    from apps.payments.services import payment_start

    with schema_context(slug):
        payment, url = payment_start(order=order, actor=actor)
    with WebhookCatcher() as catcher:
        submit_card(url, card)
    (response,) = catcher.forward()
    assert response.status_code == 202, response.content
    body = json.loads(catcher.received[0][0])
    event = process({"webhook-id": catcher.received[0][1]["webhook-id"]})
    assert event.status == InboundEvent.Status.PROCESSED, event.error
    with schema_context(slug):
        payment.refresh_from_db()
    return payment, body
