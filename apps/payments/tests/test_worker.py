"""An order paid end to end through real processes: the payer submits a test card on the
sandbox's hosted page (real web server); the provider's signed webhook is sent by the
real Celery worker to our endpoint on that server, stored, and processed by the worker,
which marks the order paid in the merchant's schema."""

import re

import pytest
import requests
from django.db import connection
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.inbound.models import InboundEvent
from apps.orders.models import Order
from apps.payments.models import Payment, Refund
from apps.payments.providers import SandboxMerchantProvider
from apps.payments.services import payment_start
from tests.plugin import wait_for

from .helpers import make_order

pytestmark = pytest.mark.worker


def test_checkout_submit_to_order_paid_through_the_worker(celery_worker_process, live_server_url, django_db_blocker):
    base = live_server_url.format(host="localhost")
    provider = SandboxMerchantProvider()
    with django_db_blocker.unblock():
        provider.register_webhook_url(base + "/api/v1/platform/webhooks/merchant-payments/")
        order = make_order(total=27500)
        try:
            with schema_context("alpha"):
                payment, url = payment_start(order=order, actor=None)
            page_url = base + "/" + url.split("/", 3)[3]
            session = requests.Session()
            page = session.get(page_url, timeout=10)
            assert page.status_code == 200 and "Alpha Academy" in page.text and "₩27,500" in page.text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            paid = session.post(page_url, data={"csrfmiddlewaretoken": token, "card": "card_success"},
                                headers={"Referer": page_url}, timeout=10)
            assert paid.status_code == 200 and "Payment approved" in paid.text

            def order_paid():
                with schema_context("alpha"):
                    return Order.objects.get(pk=order.pk).payment_status == "paid"

            wait_for(order_paid, "the order to be paid")
            event = InboundEvent.objects.get(source="merchant_payments", payload__data__payment_id=payment.reference)
            assert event.status == InboundEvent.Status.PROCESSED and event.attempts == 1
            with schema_context("alpha"):
                payment.refresh_from_db()
                assert payment.status == Payment.Status.PAID and payment.fee_amount == 908  # 3.3% of 27,500
            assert AuditEvent.objects.filter(action="payment.succeeded", target_id=str(payment.pk),
                                             tenant__slug="alpha").exists()
        finally:
            provider.register_webhook_url("")
            with schema_context("alpha"):
                Refund.objects.filter(payment__order_id=order.pk).delete()
                Payment.objects.filter(order_id=order.pk).delete()
                Order.objects.filter(pk=order.pk).delete()
            connection.set_schema_to_public()
