"""The payment provider is never called while a row lock is held: billing locks, decides,
records the payment and commits first, calls the provider outside any transaction, and
records what the call itself returns in a new short transaction.

On committed data (a test transaction would hold every lock until the test ends), a
provider double checks, whenever it is called, that its caller is in no transaction and
that another connection can lock the invoice and subscription rows at once (NOWAIT)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.utils import OperationalError
from django.utils import timezone

from apps.billing.dunning import dunning_run
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import Invoice, InvoiceLine, Payment, Plan, PlanPrice, Subscription
from apps.billing.payments import invoice_charge, invoice_checkout, payment_failed
from apps.billing.providers import ProviderUnavailable, SandboxProvider
from apps.billing.subscriptions import subscription_change_plan, subscriptions_renew
from apps.tenants.models import Tenant
from tests.plugin import client_for

from .factories import active_subscription, plan_with_price

PROBE = f"{__name__}.LockProbe"
DOWN = f"{__name__}.ProviderDown"


def _row_free(other, table: str, pk: int) -> bool:
    try:
        with other.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])  # noqa: S608
        return True
    except OperationalError:  # lock not available
        return False


class LockProbe(SandboxProvider):
    """Records, at each call, whether the caller holds a transaction or the rows' locks.
    Reports no outcome (no webhook)."""

    name = "probe"
    calls: list[dict] = []

    def _probe(self, call: str, payment) -> None:
        invoice = Invoice.objects.get(pk=payment.invoice_id)
        other = connections.create_connection("default")
        try:
            self.calls.append({
                "call": call, "in_transaction": connection.in_atomic_block,
                "invoice_free": _row_free(other, "billing_invoice", invoice.pk),
                "subscription_free": _row_free(other, "billing_subscription", invoice.subscription_id)})
        finally:
            other.close()

    def checkout_url(self, *, payment) -> str:
        self._probe("checkout", payment)
        return super().checkout_url(payment=payment)

    def charge(self, *, payment, payment_method: str) -> None:
        self._probe("charge", payment)


class ProviderDown(SandboxProvider):
    name = "down"

    def checkout_url(self, *, payment) -> str:
        raise ProviderUnavailable("connection refused")

    def charge(self, *, payment, payment_method: str) -> None:
        raise ProviderUnavailable("connection refused")


@pytest.fixture
def probe(settings):
    settings.BILLING_PAYMENT_PROVIDER = PROBE
    LockProbe.calls = []
    return LockProbe.calls


@pytest.fixture
def committed_billing(committed):
    """alpha with a committed plan and subscription; everything billing wrote is removed after."""
    tenant = Tenant.objects.get(slug="alpha")
    today = timezone.localdate()
    plans = [Plan.objects.create(code=f"lock-{name}", name=f"Lock {name}") for name in ("basic", "pro")]
    for plan, amount in zip(plans, ("30000", "60000"), strict=True):
        PlanPrice.objects.create(plan=plan, amount=Decimal(amount), currency="KRW",
                                 effective_from=today - dt.timedelta(days=365))
    subscription = Subscription.objects.create(
        tenant=tenant, plan=plans[0], status=Subscription.Status.ACTIVE, current_period_start=today,
        current_period_end=today + dt.timedelta(days=30), payment_method="pm_sandbox_visa")
    try:
        yield subscription, plans
    finally:
        Payment.objects.filter(invoice__subscription=subscription).delete()
        InvoiceLine.objects.filter(invoice__subscription=subscription).delete()
        Invoice.objects.filter(subscription=subscription).delete()
        subscription.delete()
        for plan in plans:
            plan.prices.all().delete()
            plan.delete()


def test_no_lock_is_held_while_the_provider_is_called(committed_billing, probe):
    subscription, (basic, pro) = committed_billing
    today = timezone.localdate()

    # issuing an invoice calls no provider (the mail's pay link is ours)
    Subscription.objects.filter(pk=subscription.pk).update(payment_method="")
    subscription.refresh_from_db()
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=today)
    assert probe == []
    invoice_checkout(invoice=invoice)  # the owner's checkout (API, pay page)
    client_for(None).post(_pay_path(invoice))  # the pay page's "Pay"
    Subscription.objects.filter(pk=subscription.pk).update(payment_method="pm_sandbox_visa")
    subscription.refresh_from_db()
    invoice_charge(invoice=invoice)  # a charge of the saved method
    subscription_change_plan(subscription=subscription, plan=pro, actor=None)  # an upgrade: prorated and charged
    Subscription.objects.filter(pk=subscription.pk).update(current_period_end=today)
    subscriptions_renew()  # the renewal's invoice, charged
    Subscription.objects.filter(pk=subscription.pk).update(  # a dunning retry, charged
        status=Subscription.Status.PAST_DUE, past_due_since=timezone.now() - dt.timedelta(hours=1),
        next_retry_at=timezone.now() - dt.timedelta(seconds=1))
    assert dunning_run()["retried"] == 1

    assert [call["call"] for call in probe] == ["checkout", "checkout", "charge", "charge", "charge", "charge"]
    for call in probe:
        assert call == {"call": call["call"], "in_transaction": False, "invoice_free": True,
                        "subscription_free": True}, probe


def _pay_path(invoice) -> str:
    from apps.billing.paylinks import pay_url

    return "/" + pay_url(invoice).split("/", 3)[3]


def test_a_charge_the_provider_cannot_take_is_a_failed_payment(tenant_alpha, settings,
                                                              django_capture_on_commit_callbacks):
    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "20000"))
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    settings.BILLING_PAYMENT_PROVIDER = DOWN
    with django_capture_on_commit_callbacks(execute=True):
        payment = invoice_charge(invoice=invoice)
    payment.refresh_from_db()
    subscription.refresh_from_db()
    assert payment.status == Payment.Status.FAILED and payment.failure_reason == "provider_unavailable"
    assert subscription.status == Subscription.Status.PAST_DUE  # dunning retries it
    assert payment_failed(reference=payment.reference, reason="late").failure_reason == "provider_unavailable"


def test_a_checkout_the_provider_cannot_open_is_a_clear_error(tenant_alpha, settings):
    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "20000"), payment_method="")
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    settings.BILLING_PAYMENT_PROVIDER = DOWN
    from .test_apis import owner_client

    response = owner_client().post("/api/v1/billing/checkout/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "payment_provider_unavailable"
    page = client_for(None).post(_pay_path(invoice))
    assert page.status_code == 200 and 'id="error"' in page.content.decode()
    assert list(Payment.objects.filter(invoice=invoice).values_list("status", "failure_reason")) == [
        ("failed", "provider_unavailable")] * 2
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.ACTIVE  # nothing was declined: no dunning
