"""The payments webhook: signature, timestamp window, replay, idempotent processing."""

import datetime as dt
import json
import uuid

from django.conf import settings
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import Invoice, Payment, Subscription
from apps.billing.payments import invoice_checkout
from apps.inbound.models import InboundEvent
from apps.inbound.services import inbound_process
from tests.plugin import client_for

from .factories import active_subscription, plan_with_price

URL = "/api/v1/platform/webhooks/payments/"


def signed(body: dict, *, msg_id=None, when=None, secret=None):
    raw = json.dumps(body)
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    when = when or timezone.now()
    signature = Webhook(secret or settings.BILLING_WEBHOOK_SECRET).sign(msg_id, when, raw)
    headers = {"HTTP_WEBHOOK_ID": msg_id, "HTTP_WEBHOOK_TIMESTAMP": str(int(when.timestamp())),
               "HTTP_WEBHOOK_SIGNATURE": signature}
    return raw, headers


def open_payment(tenant, status=Subscription.Status.INCOMPLETE):
    plan = plan_with_price("basic", "20000")
    subscription = active_subscription(tenant, plan, payment_method="")
    subscription.status = status
    subscription.save()
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    payment, url = invoice_checkout(invoice=invoice)
    return subscription, invoice, payment, url


def post(raw, headers):
    return client_for(None).post(URL, raw, content_type="application/json", **headers)


def test_signed_success_is_stored_then_activates_and_pays(tenant_alpha):
    subscription, invoice, payment, url = open_payment(tenant_alpha)
    assert url.endswith(f"/billing/sandbox/checkout/{payment.reference}/")
    raw, headers = signed({"type": "payment.succeeded",
                           "data": {"reference": payment.reference, "payment_method": "pm_sandbox_visa"}})
    response = post(raw, headers)
    assert response.status_code == 202, response.content
    event = InboundEvent.objects.get(source="payments", event_id=headers["HTTP_WEBHOOK_ID"])
    assert event.status == InboundEvent.Status.RECEIVED  # stored before processing
    inbound_process(event_pk=event.pk)
    event.refresh_from_db()
    assert event.status == InboundEvent.Status.PROCESSED, event.error
    invoice.refresh_from_db()
    subscription.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.paid_at
    assert subscription.status == Subscription.Status.ACTIVE and subscription.payment_method == "pm_sandbox_visa"

    # replay of the same message: acknowledged, not stored or processed again
    again = post(raw, headers)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert InboundEvent.objects.filter(source="payments", event_id=headers["HTTP_WEBHOOK_ID"]).count() == 1
    # a second provider message about the same payment changes nothing (idempotent handler)
    raw2, headers2 = signed({"type": "payment.succeeded", "data": {"reference": payment.reference}})
    assert post(raw2, headers2).status_code == 202
    second = InboundEvent.objects.get(event_id=headers2["HTTP_WEBHOOK_ID"])
    assert inbound_process(event_pk=second.pk).status == InboundEvent.Status.PROCESSED
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED


def test_bad_signature_and_stale_timestamp_are_rejected(tenant_alpha):
    _subscription, invoice, payment, _url = open_payment(tenant_alpha)
    body = {"type": "payment.succeeded", "data": {"reference": payment.reference}}
    raw, headers = signed(body, secret="whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=")
    forged = post(raw, headers)
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "invalid_signature"
    raw, headers = signed(body, when=timezone.now() - dt.timedelta(minutes=6))
    stale = post(raw, headers)
    assert stale.status_code == 401 and stale.json()["error"]["code"] == "stale_webhook"
    tampered_raw, headers = signed(body)
    tampered = post(tampered_raw.replace("succeeded", "failed"), headers)
    assert tampered.status_code == 401
    assert not InboundEvent.objects.filter(source="payments").exclude(status="rejected").exists()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN


def test_unknown_payment_fails_the_event_visibly(db):
    raw, headers = signed({"type": "payment.failed", "data": {"reference": "pay_nope"}})
    assert post(raw, headers).status_code == 202
    event = InboundEvent.objects.get(event_id=headers["HTTP_WEBHOOK_ID"])
    inbound_process(event_pk=event.pk)
    event.refresh_from_db()
    assert event.status == InboundEvent.Status.FAILED and "pay_nope" in event.error


class OtherProvider:
    """Stands in for a real hosted-checkout provider."""

    name = "other"


def test_sandbox_checkout_is_gone_unless_the_sandbox_is_the_provider(tenant_alpha, settings):
    _, invoice, payment, url = open_payment(tenant_alpha)
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client_for(None).get(f"/{path}").status_code == 200  # the sandbox is configured

    settings.BILLING_PAYMENT_PROVIDER = f"{__name__}.OtherProvider"
    client = client_for(None)
    assert client.get(f"/{path}").status_code == 404
    assert client.post(f"/{path}", {"card": "pm_sandbox_visa"}).status_code == 404
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == Payment.Status.PENDING and invoice.status == Invoice.Status.OPEN
