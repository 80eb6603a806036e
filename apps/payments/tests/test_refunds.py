"""Refunds: partial and full, never above what was captured (also under concurrent
requests), keyed by the Idempotency-Key and the provider's refund id; a provider that
refuses or is down leaves the payment and the order as they were."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections
from django.db.utils import OperationalError
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.orders.models import Order
from apps.payments import sandbox
from apps.payments.errors import ProviderUnavailable, RefundExceedsCaptured
from apps.payments.models import Payment, Refund
from apps.payments.providers import SandboxMerchantProvider
from apps.payments.services import payment_start, refund_create
from tests.workspace import api, make_staff

from .helpers import JSON, make_order, pay


class ProviderDown:
    """A merchant provider that cannot be reached."""

    name = "down"

    def new_reference(self) -> str:
        return f"ord_down_{uuid.uuid4().hex[:20]}"

    def prepare(self, payment) -> str:
        raise ProviderUnavailable(details={"reason": "connection refused"})

    def cancel(self, payment, amount, reason, refund_key):
        raise ProviderUnavailable(details={"reason": "connection refused"})

    def fee_for(self, payment) -> int:
        return 0


def refund(order, amount, *, key=None, reason="Customer asked", client=None):
    """POST a refund as the owner (or `client`), under `key` (default: a new one)."""
    client = client or api("alpha", "owner@alpha.test")
    headers = {"HTTP_IDEMPOTENCY_KEY": key or uuid.uuid4().hex}
    return client.post(f"/api/v1/orders/{order.pk}/refunds/", {"amount": amount, "reason": reason},
                       content_type=JSON, **headers)


def state(order, payment):
    with schema_context("alpha"):
        order, payment = Order.objects.get(pk=order.pk), Payment.objects.get(pk=payment.pk)
    return ((order.paid_amount, order.refunded_amount, order.payment_status),
            (payment.status, payment.refunded_amount, payment.refund_pending_amount))


def test_partial_then_full_refund(tenant_alpha, owner_alpha):
    order = make_order(total=20000)
    payment, _body = pay(order)
    first = refund(order, 5000, key="refund-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["amount"] == 5000 and body["order"]["payment_status"] == "partially_refunded"
    (made,) = body["refunds"]
    assert made["status"] == "succeeded" and made["provider_refund_id"].startswith("rf_sbx_")
    assert state(order, payment) == ((20000, 5000, "partially_refunded"), ("partial_cancelled", 5000, 0))

    second = refund(order, 15000)
    assert second.status_code == 201
    assert state(order, payment) == ((20000, 20000, "refunded"), ("cancelled", 20000, 0))
    assert sandbox.session(payment.reference)["refunded"] == 20000  # the provider's own books agree
    events = AuditEvent.objects.filter(action="refund.succeeded", tenant=tenant_alpha, actor=owner_alpha)
    assert sorted(event.metadata["amount"] for event in events) == [5000, 15000]
    assert events.get(metadata__amount=15000).changes["status"] == ["partial_cancelled", "cancelled"]

    listed = api("alpha", "owner@alpha.test").get(f"/api/v1/orders/{order.pk}/payments/")
    assert listed.status_code == 200
    (row,) = listed.json()
    assert row["status"] == "cancelled" and [r["amount"] for r in row["refunds"]] == [5000, 15000]


def test_a_refund_above_what_was_captured_is_refused_and_changes_nothing(tenant_alpha):
    order = make_order(total=10000)
    payment, _body = pay(order)
    assert refund(order, 4000).status_code == 201
    before = state(order, payment)
    response = refund(order, 6001)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "refund_exceeds_captured" and error["details"]["refundable"] == 6000
    assert "₩6,000" in error["message"]
    assert state(order, payment) == before
    ko = refund(order, 6001, client=api("alpha", "owner@alpha.test", HTTP_ACCEPT_LANGUAGE="ko"))
    assert "환불" in ko.json()["error"]["message"]


@pytest.mark.parametrize("body,code", [({"amount": 0, "reason": "x"}, "validation_error"),
                                       ({"amount": "100", "reason": "x"}, "validation_error"),
                                       ({"amount": 100}, "validation_error"),
                                       ({"amount": 100, "reason": "x"}, "refund_idempotency_key_required")])
def test_bad_refund_requests(tenant_alpha, body, code):
    order = make_order(total=10000)
    pay(order)
    headers = {} if code == "refund_idempotency_key_required" else {"HTTP_IDEMPOTENCY_KEY": "k-" + uuid.uuid4().hex}
    response = api("alpha", "owner@alpha.test").post(f"/api/v1/orders/{order.pk}/refunds/", body,
                                                      content_type=JSON, **headers)
    assert response.status_code == 400 and response.json()["error"]["code"] == code, response.content


def test_an_unpaid_order_has_nothing_to_refund(tenant_alpha):
    response = refund(make_order(total=10000), 1000)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_not_paid"


def test_the_same_key_returns_the_same_refund_and_another_amount_is_refused(tenant_alpha):
    order = make_order(total=10000)
    payment, _body = pay(order)
    first = refund(order, 3000, key="same-key")
    again = refund(order, 3000, key="same-key")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["refunds"] == first.json()["refunds"]
    other = refund(order, 2000, key="same-key")
    assert other.status_code == 422 and other.json()["error"]["code"] == "refund_key_reused"
    other_order = make_order(total=5000)
    pay(other_order)
    elsewhere = refund(other_order, 3000, key="same-key")  # the key belongs to the first order's refund
    assert elsewhere.status_code == 422 and elsewhere.json()["error"]["code"] == "refund_key_reused"
    assert state(order, payment) == ((10000, 3000, "partially_refunded"), ("partial_cancelled", 3000, 0))
    with schema_context("alpha"):
        assert Refund.objects.filter(idempotency_key="same-key").count() == 1


def test_a_provider_refusal_leaves_the_order_unchanged(tenant_alpha, owner_alpha):
    order = make_order(total=10000)
    payment, _body = pay(order, card="card_refund_fails")
    before = state(order, payment)
    response = refund(order, 4000, key="refused")
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "provider_error" and error["details"]["reason"] == "refund_rejected_by_issuer"
    assert "Nothing was changed" in error["message"]
    assert state(order, payment) == before
    with schema_context("alpha"):
        failed = Refund.objects.get(idempotency_key="refused")
    assert (failed.status, failed.failure_reason, failed.provider_refund_id) == ("failed", "refund_rejected_by_issuer",
                                                                                 None)
    assert AuditEvent.objects.filter(action="refund.failed", target_id=str(failed.pk), actor=owner_alpha).exists()
    assert not AuditEvent.objects.filter(action="order.refunded", target_id=str(order.pk)).exists()
    # the same key again is the same (failed) refund; a new key asks the provider again
    again = refund(order, 4000, key="refused")
    assert again.status_code == 409 and again.json()["error"]["code"] == "refund_key_failed"
    assert refund(order, 4000).status_code == 502
    assert state(order, payment) == before


def test_a_provider_that_is_down_leaves_the_order_unchanged(tenant_alpha, settings):
    order = make_order(total=10000)
    payment, _body = pay(order)
    before = state(order, payment)
    settings.PAYMENTS_PROVIDER = f"{__name__}.ProviderDown"
    response = refund(order, 10000)
    assert response.status_code == 503 and response.json()["error"]["code"] == "provider_unavailable"
    assert state(order, payment) == before
    checkout = api("alpha", "owner@alpha.test").post(f"/api/v1/orders/{make_order().pk}/pay/", content_type=JSON)
    assert checkout.status_code == 503


def test_staff_need_order_refund_in_their_branches(tenant_alpha):
    from tests.workspace import make_branch

    branch, other = make_branch("alpha", "Refund branch"), make_branch("alpha", "Other branch")
    make_staff("alpha", "clerk@refunds.test", ["clerk"], [branch])
    make_staff("alpha", "teacher@refunds.test", ["teacher"], [branch])
    order = make_order(total=10000)
    with schema_context("alpha"):
        Order.objects.filter(pk=order.pk).update(branch=other)
    pay(order)
    clerk = api("alpha", "clerk@refunds.test")
    assert refund(order, 1000, client=clerk).status_code == 404  # not in the clerk's branch
    with schema_context("alpha"):
        Order.objects.filter(pk=order.pk).update(branch=branch)
    assert refund(order, 1000, client=clerk).status_code == 201
    teacher = refund(order, 1000, client=api("alpha", "teacher@refunds.test"))
    assert teacher.status_code == 403 and teacher.json()["error"]["code"] == "permission_denied"


def test_the_payments_list_costs_the_same_whatever_the_number_of_payments(tenant_alpha):
    client = api("alpha", "owner@alpha.test")

    def queries(order) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/api/v1/orders/{order.pk}/payments/").status_code == 200
        return len(captured)

    one = make_order(total=10000)
    pay(one)
    refund(one, 1000)
    many = make_order(total=30000)
    with schema_context("alpha"):  # three captured payments, each with refunds
        for n in range(3):
            payment = Payment.objects.create(order=many, provider="sandbox", reference=f"ord_q_{uuid.uuid4().hex}",
                                             amount=10000, status="paid", refunded_amount=2000)
            for _ in range(2):
                Refund.objects.create(payment=payment, amount=1000, reason=f"r{n}", status="succeeded",
                                      idempotency_key=uuid.uuid4().hex)
    assert queries(many) == queries(one)


# --- Concurrent refunds (committed data: each thread has its own connection) -----------


def _committed_paid_order(total: int):
    """An order of alpha, captured at the sandbox, committed."""
    order = make_order(total=total)
    payment, _body = pay(order)
    return order, payment


def test_concurrent_refunds_never_exceed_what_was_captured(django_db_blocker, platform_seed):
    with django_db_blocker.unblock():
        order, payment = _committed_paid_order(10000)
        outcomes: list = []
        start = threading.Barrier(8)

        def attempt(n):
            try:
                start.wait()
                with schema_context("alpha"):
                    refund_create(order=order, amount=3000, reason=f"race {n}", idempotency_key=f"race-{n}-{order.pk}",
                                  actor=None)
                outcomes.append("refunded")
            except RefundExceedsCaptured:
                outcomes.append("refused")
            except Exception as exc:  # reported by the assertion below
                outcomes.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert sorted(outcomes) == ["refunded"] * 3 + ["refused"] * 5, outcomes
            assert state(order, payment) == ((10000, 9000, "partially_refunded"), ("partial_cancelled", 9000, 0))
            assert sandbox.session(payment.reference)["refunded"] == 9000
            with schema_context("alpha"):
                assert sorted(Refund.objects.filter(payment=payment).values_list("status", flat=True)) == [
                    "succeeded"] * 3
        finally:
            with schema_context("alpha"):
                Refund.objects.filter(payment__order=order).delete()
                Payment.objects.filter(order=order).delete()
                Order.objects.filter(pk=order.pk).delete()
            connection.set_schema_to_public()


def _row_free(other, table: str, pk: int) -> bool:
    try:
        with other.cursor() as cursor:
            cursor.execute(f'SELECT 1 FROM "alpha".{table} WHERE id = %s FOR UPDATE NOWAIT', [pk])  # noqa: S608
        return True
    except OperationalError:  # lock not available
        return False


class LockProbe(SandboxMerchantProvider):
    """The sandbox, recording at each call whether its caller is in a transaction and
    whether another connection could lock the order's and the payment's rows right now."""

    calls: list[dict] = []

    def _probe(self, call: str, payment) -> None:
        other = connections.create_connection("default")
        try:
            self.calls.append({"call": call, "in_transaction": connection.in_atomic_block,
                               "order_free": _row_free(other, "orders_order", payment.order_id),
                               "payment_free": _row_free(other, "payments_payment", payment.pk)})
        finally:
            other.close()

    def prepare(self, payment) -> str:
        self._probe("prepare", payment)
        return super().prepare(payment)

    def cancel(self, payment, amount, reason, refund_key):
        self._probe("cancel", payment)
        return super().cancel(payment, amount, reason, refund_key)


def test_the_provider_is_called_outside_any_transaction_or_row_lock(django_db_blocker, platform_seed, settings):
    settings.PAYMENTS_PROVIDER = f"{__name__}.LockProbe"
    LockProbe.calls = []
    with django_db_blocker.unblock():
        order = make_order(total=10000)
        try:
            with schema_context("alpha"):
                payment_start(order=order, actor=None)
            pay(order)  # the open checkout again (prepare), then the sandbox page and the webhook
            with schema_context("alpha"):
                refund_create(order=order, amount=4000, reason="probe", idempotency_key=f"probe-{order.pk}",
                              actor=None)
            assert [call["call"] for call in LockProbe.calls] == ["prepare", "prepare", "cancel"]
            assert all(not call["in_transaction"] and call["order_free"] and call["payment_free"]
                       for call in LockProbe.calls), LockProbe.calls
        finally:
            with schema_context("alpha"):
                Refund.objects.filter(payment__order=order).delete()
                Payment.objects.filter(order=order).delete()
                Order.objects.filter(pk=order.pk).delete()
            connection.set_schema_to_public()


def test_the_database_refuses_more_refunds_than_the_capture(tenant_alpha):
    """The floor under the service's locks: refunded plus in progress never exceed the amount."""
    from django.db import IntegrityError, transaction

    payment, _body = pay(make_order(total=1000))
    for fields in ({"refunded_amount": 1001}, {"refunded_amount": 600, "refund_pending_amount": 401},
                   {"refund_pending_amount": -1}):
        with schema_context("alpha"), pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.filter(pk=payment.pk).update(**fields)
