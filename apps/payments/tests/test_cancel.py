"""Paying and cancelling as a consumer (own orders only) and cancelling as staff: what
was captured is refunded first, then the order is cancelled; a provider refusal leaves
the order as it was."""

from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.orders.models import Order, OrderTransition
from apps.payments.models import Payment, Refund
from apps.payments.services import payment_start
from tests.workspace import api, make_staff

from .helpers import JSON, make_consumer, make_order, pay


def fresh(order):
    with schema_context("alpha"):
        return Order.objects.get(pk=order.pk)


def test_a_consumer_pays_and_cancels_their_own_order_and_gets_the_money_back(tenant_alpha):
    user, customer = make_consumer("alpha", "minji@pay.test")
    order = make_order(total=18000, customer=customer)
    client = api("alpha", "minji@pay.test")
    checkout = client.post(f"/api/v1/orders/{order.pk}/pay/", content_type=JSON)
    assert checkout.status_code == 201, checkout.content
    payment, _body = pay(order)
    assert payment.reference == checkout.json()["reference"]

    response = client.post(f"/api/v1/my/orders/{order.pk}/cancel/", {}, content_type=JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["payment_status"], body["refunded_amount"]) == ("cancelled", "refunded", 18000)
    order = fresh(order)
    assert (order.status, order.paid_amount, order.refunded_amount) == ("cancelled", 18000, 18000)
    with schema_context("alpha"):
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.CANCELLED
        refund = Refund.objects.get(payment=payment)
        assert refund.actor_id == user.pk and refund.reason == "Cancelled by the customer"
        assert OrderTransition.objects.filter(order=order, to_status="cancelled", actor=user).exists()
    assert AuditEvent.objects.filter(action="refund.succeeded", target_id=str(refund.pk), actor=user).exists()


def test_a_consumer_gets_nothing_of_another_consumers_order(tenant_alpha):
    make_consumer("alpha", "minji@pay.test")
    _other, theirs = make_consumer("alpha", "jisoo@pay.test", name="Lee Jisoo")
    order = make_order(total=9000, customer=theirs)
    pay(order)
    client = api("alpha", "minji@pay.test")
    assert client.post(f"/api/v1/orders/{order.pk}/pay/", content_type=JSON).status_code == 404
    assert client.post(f"/api/v1/my/orders/{order.pk}/cancel/", {}, content_type=JSON).status_code == 404
    # nor the staff endpoints
    refused = client.post(f"/api/v1/orders/{order.pk}/refunds/", {"amount": 1, "reason": "x"}, content_type=JSON,
                          HTTP_IDEMPOTENCY_KEY="k")
    assert refused.status_code == 403
    assert client.post(f"/api/v1/orders/{order.pk}/cancel/", {"reason": "x"}, content_type=JSON).status_code == 403
    assert client.get(f"/api/v1/orders/{order.pk}/payments/").status_code == 403
    order = fresh(order)
    assert (order.status, order.refunded_amount) == ("placed", 0)


def test_a_consumer_cannot_cancel_once_the_business_confirmed(tenant_alpha):
    _user, customer = make_consumer("alpha", "minji@pay.test")
    order = make_order(total=9000, customer=customer)
    payment, _body = pay(order)
    with schema_context("alpha"):
        Order.objects.filter(pk=order.pk).update(status="confirmed")
    response = api("alpha", "minji@pay.test").post(f"/api/v1/my/orders/{order.pk}/cancel/", {}, content_type=JSON)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_not_cancellable"
    order = fresh(order)
    assert (order.status, order.refunded_amount) == ("confirmed", 0)
    with schema_context("alpha"):
        assert not Refund.objects.filter(payment=payment).exists()


def test_staff_cancel_with_a_reason_refunds_what_is_left(tenant_alpha, owner_alpha):
    order = make_order(total=30000)
    pay(order)
    client = api("alpha", "owner@alpha.test")
    partial = client.post(f"/api/v1/orders/{order.pk}/refunds/", {"amount": 10000, "reason": "Late"},
                          content_type=JSON, HTTP_IDEMPOTENCY_KEY="late")
    assert partial.status_code == 201
    missing = client.post(f"/api/v1/orders/{order.pk}/cancel/", {}, content_type=JSON)
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["details"]
    response = client.post(f"/api/v1/orders/{order.pk}/cancel/", {"reason": "Out of an ingredient"},
                           content_type=JSON)
    assert response.status_code == 200, response.content
    order = fresh(order)
    assert (order.status, order.refunded_amount, order.payment_status) == ("cancelled", 30000, "refunded")
    with schema_context("alpha"):
        assert sorted(Refund.objects.filter(payment__order=order).values_list("amount", flat=True)) == [10000, 20000]
        assert OrderTransition.objects.get(order=order, to_status="cancelled").reason == "Out of an ingredient"
    again = client.post(f"/api/v1/orders/{order.pk}/cancel/", {"reason": "Again"}, content_type=JSON)
    assert again.status_code == 409 and again.json()["error"]["code"] == "order_not_cancellable"


def test_an_unpaid_order_is_cancelled_and_its_open_checkout_closed(tenant_alpha, owner_alpha):
    order = make_order(total=7000)
    with schema_context("alpha"):
        payment, _url = payment_start(order=order, actor=None)
    response = api("alpha", "owner@alpha.test").post(f"/api/v1/orders/{order.pk}/cancel/", {"reason": "No show"},
                                                     content_type=JSON)
    assert response.status_code == 200
    assert fresh(order).status == "cancelled"
    with schema_context("alpha"):
        payment.refresh_from_db()
    assert (payment.status, payment.failure_reason) == (Payment.Status.FAILED, "order_cancelled")


def test_a_provider_refusal_leaves_the_order_as_it_was(tenant_alpha):
    _user, customer = make_consumer("alpha", "minji@pay.test")
    order = make_order(total=9000, customer=customer)
    payment, _body = pay(order, card="card_refund_fails")
    for client, path, body in [(api("alpha", "minji@pay.test"), f"/api/v1/my/orders/{order.pk}/cancel/", {}),
                               (api("alpha", "owner@alpha.test"), f"/api/v1/orders/{order.pk}/cancel/",
                                {"reason": "Closed today"})]:
        response = client.post(path, body, content_type=JSON)
        assert response.status_code == 502 and response.json()["error"]["code"] == "provider_error"
        order_now = fresh(order)
        assert (order_now.status, order_now.paid_amount, order_now.refunded_amount, order_now.payment_status) == (
            "placed", 9000, 0, "paid")
    with schema_context("alpha"):
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID
        assert not OrderTransition.objects.filter(order=order, to_status="cancelled").exists()


def test_staff_without_order_change_cannot_pay_or_cancel(tenant_alpha):
    make_staff("alpha", "teacher@cancel.test", ["teacher"])
    order = make_order(total=9000)
    client = api("alpha", "teacher@cancel.test")
    for path, body in [(f"/api/v1/orders/{order.pk}/pay/", {}), (f"/api/v1/orders/{order.pk}/cancel/",
                                                                  {"reason": "x"})]:
        response = client.post(path, body, content_type=JSON)
        assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
