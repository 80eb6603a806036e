"""Paying an order: checkout at the sandbox provider, its signed webhook through our real
inbound endpoint (stored first, verified, idempotent), and what capture records."""

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.billing.models import Plan, PlanPrice, Subscription
from apps.inbound.models import InboundEvent
from apps.orders.models import Order
from apps.payments.models import Payment
from apps.payments.services import payment_start
from tests.plugin import client_for
from tests.workspace import api

from .helpers import JSON, WEBHOOK_URL, WebhookCatcher, make_order, pay, post_webhook, process, submit_card

WRONG_SECRET = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="


def paid_body(payment, **data):
    return {"type": "Transaction.Paid", "data": {"merchant": "alpha", "payment_id": payment.reference,
                                                 "amount": payment.amount, "currency": payment.currency,
                                                 "method": "card", **data}}


def started(order):
    with schema_context("alpha"):
        return payment_start(order=order, actor=None)


def fresh(model, pk):
    with schema_context("alpha"):
        return model.objects.get(pk=pk)


def test_pay_endpoint_then_the_signed_webhook_marks_the_order_paid(tenant_alpha, owner_alpha):
    order = make_order(total=23000)
    response = api("alpha", "owner@alpha.test").post(f"/api/v1/orders/{order.pk}/pay/", content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == 23000 and body["currency"] == "KRW"
    assert body["checkout_url"].endswith(f"/payments/sandbox/checkout/{body['reference']}/")
    # paying again reuses the open checkout
    again = api("alpha", "owner@alpha.test").post(f"/api/v1/orders/{order.pk}/pay/", content_type=JSON)
    assert again.json()["reference"] == body["reference"]

    with WebhookCatcher() as catcher:
        submit_card(body["checkout_url"], "card_success")
    (response,) = catcher.forward()
    assert response.status_code == 202, response.content
    event = InboundEvent.objects.get(source="merchant_payments", event_id=catcher.received[0][1]["webhook-id"])
    assert event.status == InboundEvent.Status.RECEIVED  # stored before it is processed
    assert fresh(Order, order.pk).payment_status == "unpaid"
    assert process({"webhook-id": event.event_id}).status == InboundEvent.Status.PROCESSED

    order = fresh(Order, order.pk)
    assert (order.payment_status, order.paid_amount) == ("paid", 23000)
    payment = fresh(Payment, body["payment"])
    assert payment.status == Payment.Status.PAID and payment.paid_at and payment.method == "card"
    assert payment.fee_amount == 759  # 3.3% of 23,000 won
    succeeded = AuditEvent.objects.get(action="payment.succeeded", target_id=str(payment.pk), tenant=tenant_alpha)
    assert succeeded.changes["status"] == ["ready", "paid"] and succeeded.metadata["order"] == order.number
    assert AuditEvent.objects.filter(action="payment.checkout_started", target_id=str(payment.pk)).count() == 1


def test_a_badly_signed_or_stale_webhook_is_rejected_and_changes_nothing(tenant_alpha):
    order = make_order(total=5000)
    payment, _url = started(order)
    forged, headers = post_webhook(paid_body(payment), secret=WRONG_SECRET)
    assert forged.status_code == 401 and forged.json()["error"]["code"] == "invalid_signature"
    assert InboundEvent.objects.get(event_id=headers["webhook-id"]).status == InboundEvent.Status.REJECTED

    late, headers = post_webhook(paid_body(payment), when=timezone.now() - dt.timedelta(minutes=10))
    assert late.status_code == 401 and late.json()["error"]["code"] == "stale_webhook"
    raw = json.dumps(paid_body(payment))
    tampered, _headers = post_webhook(raw, send=raw.replace(f'"amount": {payment.amount}', '"amount": 1'))
    assert tampered.status_code == 401 and tampered.json()["error"]["code"] == "invalid_signature"
    unsigned = client_for(None).post(WEBHOOK_URL, raw, content_type=JSON)
    assert unsigned.status_code == 401
    assert AuditEvent.objects.filter(action="webhook.signature_failed",
                                     metadata__source="merchant_payments").count() == 4
    assert fresh(Order, order.pk).payment_status == "unpaid"
    assert fresh(Payment, payment.pk).status == Payment.Status.READY


def test_a_replayed_webhook_changes_nothing(tenant_alpha):
    order = make_order(total=12000)
    payment, body = pay(order)
    assert payment.status == Payment.Status.PAID
    events = InboundEvent.objects.filter(source="merchant_payments").count()

    # the same message again: acknowledged as a duplicate, not stored or processed again
    first = InboundEvent.objects.filter(source="merchant_payments").latest("id")
    replay, _headers = post_webhook(body, msg_id=first.event_id)
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert InboundEvent.objects.filter(source="merchant_payments").count() == events

    # the provider telling it again under a new id: processed, idempotent
    again, headers = post_webhook(body)
    assert again.status_code == 202
    assert process(headers).status == InboundEvent.Status.PROCESSED
    order = fresh(Order, order.pk)
    assert (order.paid_amount, order.payment_status) == (12000, "paid")
    assert AuditEvent.objects.filter(action="payment.succeeded", target_id=str(payment.pk),
                                     tenant=tenant_alpha).count() == 1
    assert AuditEvent.objects.filter(action="order.paid", tenant=tenant_alpha,
                                     target_id=str(order.pk)).count() == 1
    # and a late "failed" for a captured payment changes nothing either
    failed, headers = post_webhook({"type": "Transaction.Failed", "data": {
        "merchant": "alpha", "payment_id": payment.reference, "amount": 12000, "currency": "KRW",
        "failure_reason": "card_declined"}})
    assert process(headers).status == InboundEvent.Status.PROCESSED
    assert fresh(Payment, payment.pk).status == Payment.Status.PAID


@pytest.mark.parametrize("data", [{"amount": 11999}, {"amount": 120000}, {"currency": "USD"}])
def test_an_amount_that_is_not_the_payments_is_a_recorded_failure(tenant_alpha, data):
    order = make_order(total=12000)
    payment, _url = started(order)
    response, headers = post_webhook(paid_body(payment, **data))
    assert response.status_code == 202
    event = process(headers)
    assert event.status == InboundEvent.Status.FAILED and event.error.startswith("PaymentAmountMismatch")
    assert "Nothing was changed" in event.error
    payment = fresh(Payment, payment.pk)
    assert payment.status == Payment.Status.READY and payment.paid_at is None and payment.commission_amount is None
    order = fresh(Order, order.pk)
    assert (order.paid_amount, order.payment_status) == (0, "unpaid")
    assert not AuditEvent.objects.filter(action="payment.succeeded", target_id=str(payment.pk)).exists()


def test_unknown_merchant_or_payment_is_a_recorded_failure(tenant_alpha):
    order = make_order(total=3000)
    payment, _url = started(order)
    for data in ({"merchant": "nobody"}, {"merchant": "beta"}, {"payment_id": "ord_sbx_unknown"}):
        _response, headers = post_webhook(paid_body(payment, **data))
        assert process(headers).status == InboundEvent.Status.FAILED
    assert fresh(Payment, payment.pk).status == Payment.Status.READY


@pytest.mark.parametrize("card,reason", [("card_declined", "card_declined"),
                                         ("card_insufficient_funds", "insufficient_funds")])
def test_a_declined_card_fails_the_payment_and_paying_again_opens_a_new_checkout(tenant_alpha, card, reason):
    order = make_order(total=8000)
    payment, body = pay(order, card=card)
    assert body["type"] == "Transaction.Failed" and body["data"]["failure_reason"] == reason
    assert (payment.status, payment.failure_reason) == (Payment.Status.FAILED, reason)
    assert fresh(Order, order.pk).payment_status == "unpaid"
    assert AuditEvent.objects.filter(action="payment.failed", target_id=str(payment.pk)).exists()
    second, _url = started(order)
    assert second.pk != payment.pk and second.status == Payment.Status.READY


def test_paying_is_refused_for_paid_cancelled_and_zero_orders(tenant_alpha, owner_alpha):
    client = api("alpha", "owner@alpha.test")
    paid = make_order(total=4000)
    pay(paid)
    cases = [(paid, 409, "order_already_paid"), (make_order(total=4000, status="cancelled"), 409, "order_not_payable"),
             (make_order(total=0), 409, "order_nothing_to_pay")]
    for order, status, code in cases:
        response = client.post(f"/api/v1/orders/{order.pk}/pay/", content_type=JSON)
        assert response.status_code == status and response.json()["error"]["code"] == code, response.content
    missing = client.post("/api/v1/orders/999999/pay/", content_type=JSON)
    assert missing.status_code == 404
    with schema_context("alpha"):
        assert not Payment.objects.filter(order__in=[case[0] for case in cases[1:]]).exists()


def _plan_for_alpha(tenant, versions):
    plan = Plan.objects.create(code=f"pay-{uuid.uuid4().hex[:6]}", name="Payments plan")
    for since, rate in versions:
        PlanPrice.objects.create(plan=plan, amount=Decimal("10000"), currency="KRW", commission_rate=Decimal(rate),
                                 effective_from=since)
    Subscription.objects.filter(tenant=tenant).delete()
    today = timezone.localdate()
    Subscription.objects.create(tenant=tenant, plan=plan, status=Subscription.Status.ACTIVE,
                                current_period_start=today, current_period_end=today + dt.timedelta(days=30))
    return plan


def test_capture_records_the_commission_version_in_force_and_the_fee(tenant_alpha, settings):
    today = timezone.localdate()
    _plan_for_alpha(tenant_alpha, [(today - dt.timedelta(days=400), "3.50"), (today, "2.75"),
                                   (today + dt.timedelta(days=1), "9.90")])
    settings.PAYMENTS_SANDBOX_FEE_RATE = "3.3"
    payment, _body = pay(make_order(total=33333))
    assert payment.commission_rate == Decimal("2.75")
    assert payment.commission_amount == 917  # 2.75% of 33,333 = 916.66 -> 917 (half up)
    assert payment.fee_amount == 1100  # 3.3% of 33,333 = 1,099.99 -> 1,100


def test_capture_before_a_new_version_keeps_the_old_commission(tenant_alpha):
    today = timezone.localdate()
    _plan_for_alpha(tenant_alpha, [(today - dt.timedelta(days=30), "4.00"), (today + dt.timedelta(days=3), "1.00")])
    payment, _body = pay(make_order(total=10000))
    assert (payment.commission_rate, payment.commission_amount) == (Decimal("4.00"), 400)


def test_a_workspace_without_a_plan_records_no_commission(tenant_alpha):
    Subscription.objects.filter(tenant=tenant_alpha).delete()
    payment, _body = pay(make_order(total=10000))
    assert (payment.commission_rate, payment.commission_amount) == (Decimal("0"), 0)
