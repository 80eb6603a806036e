"""Payments in the tenant admin: the read-only payments list, and on an order's page its
payments with their refunds, the "Refund" page (order:refund) and cancelling with a refund."""

from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.orders.models import Order
from apps.payments.models import Payment, Refund
from tests.admin_pages import tenant_admin_client, texts
from tests.workspace import make_staff

from .helpers import make_order, pay

ORDERS = "/admin/orders/order/"
PAYMENTS = "/admin/payments/payment/"


def test_the_payments_list_is_read_only_with_labels_and_money(tenant_alpha, owner_alpha):
    order = make_order(total=23000)
    payment, _body = pay(order)
    client = tenant_admin_client("owner@alpha.test")
    for query in ("", "?status__exact=paid", "?paid_at__date__gte=2020-01-01", f"?q={order.number}",
                  f"?q={payment.reference}"):
        response = client.get(PAYMENTS + query)
        assert response.status_code == 200, query
    html = client.get(PAYMENTS).content.decode()
    assert payment.reference in html and "₩23,000" in html and f"#{order.number}" in html and "Paid" in html
    assert "₩759" in html  # the provider's fee
    assert client.get(PAYMENTS + "add/").status_code == 403
    detail = client.get(f"{PAYMENTS}{payment.pk}/change/")
    assert detail.status_code == 200 and 'name="amount"' not in detail.content.decode()
    korean = tenant_admin_client("owner@alpha.test")
    korean.post("/i18n/setlang/", {"language": "ko", "next": "/admin/"})
    html = korean.get(PAYMENTS).content.decode()
    assert "결제 대행 수수료" in html and "provider fee" not in html


def test_refund_from_the_order_page(tenant_alpha, owner_alpha):
    order = make_order(total=20000)
    payment, _body = pay(order)
    client = tenant_admin_client("owner@alpha.test")
    page = client.get(f"{ORDERS}{order.pk}/change/").content.decode()
    assert payment.reference in page and f"{ORDERS}{order.pk}/refund/" in page

    form = client.get(f"{ORDERS}{order.pk}/refund/")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="amount"' in html and 'value="20000"' in html and "₩20,000" in html  # prefilled
    key = form.context["form"].initial["idempotency_key"]

    refused = client.post(f"{ORDERS}{order.pk}/refund/", {"amount": 25000, "reason": "Too much",
                                                           "idempotency_key": key})
    assert refused.status_code == 200 and refused.context["form"].errors["amount"]
    missing = client.post(f"{ORDERS}{order.pk}/refund/", {"amount": 5000, "reason": "", "idempotency_key": key})
    assert missing.context["form"].errors["reason"]

    done = client.post(f"{ORDERS}{order.pk}/refund/", {"amount": 5000, "reason": "Cold soup",
                                                        "idempotency_key": key}, follow=True)
    assert any("₩5,000" in text for text in texts(done)) or "₩5,000" in done.content.decode()
    # the same form sent twice refunds once
    client.post(f"{ORDERS}{order.pk}/refund/", {"amount": 5000, "reason": "Cold soup", "idempotency_key": key})
    with schema_context("alpha"):
        (refund,) = Refund.objects.filter(payment=payment)
        assert (refund.amount, refund.reason, refund.actor_id) == (5000, "Cold soup", owner_alpha.pk)
        assert Order.objects.get(pk=order.pk).refunded_amount == 5000
    assert AuditEvent.objects.filter(action="refund.succeeded", target_id=str(refund.pk)).exists()
    page = client.get(f"{ORDERS}{order.pk}/change/").content.decode()
    assert "Cold soup" in page


def test_a_provider_refusal_on_the_refund_page_is_a_message(tenant_alpha, owner_alpha):
    order = make_order(total=10000)
    payment, _body = pay(order, card="card_refund_fails")
    client = tenant_admin_client("owner@alpha.test")
    key = client.get(f"{ORDERS}{order.pk}/refund/").context["form"].initial["idempotency_key"]
    response = client.post(f"{ORDERS}{order.pk}/refund/", {"amount": 1000, "reason": "x", "idempotency_key": key})
    assert response.status_code == 200
    assert any("refused" in text for text in texts(response))
    with schema_context("alpha"):
        assert Payment.objects.get(pk=payment.pk).refunded_amount == 0


def test_refunding_needs_order_refund(tenant_alpha):
    from tests.workspace import make_branch

    branch = make_branch("alpha", "Director branch")
    make_staff("alpha", "director@refund-admin.test", ["director"], [branch])  # order:view, no order:refund
    order = make_order(total=10000)
    with schema_context("alpha"):
        Order.objects.filter(pk=order.pk).update(branch=branch)
    pay(order)
    client = tenant_admin_client("director@refund-admin.test")
    page = client.get(f"{ORDERS}{order.pk}/change/")
    assert page.status_code == 200 and f"{ORDERS}{order.pk}/refund/" not in page.content.decode()
    assert client.get(f"{ORDERS}{order.pk}/refund/").status_code == 403
    assert client.post(f"{ORDERS}{order.pk}/refund/", {"amount": 1000, "reason": "x",
                                                        "idempotency_key": "k"}).status_code == 403


def test_cancelling_a_paid_order_in_the_admin_refunds_it_first(tenant_alpha, owner_alpha):
    order = make_order(total=15000)
    pay(order)
    client = tenant_admin_client("owner@alpha.test")
    response = client.post(f"{ORDERS}{order.pk}/cancel_order/", {"reason": "Kitchen closed"}, follow=True)
    assert response.status_code == 200
    with schema_context("alpha"):
        order = Order.objects.get(pk=order.pk)
    assert (order.status, order.refunded_amount, order.payment_status) == ("cancelled", 15000, "refunded")
