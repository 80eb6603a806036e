"""Dunning in process with time travel: failure, retries on days 1, 3, 5 with an email
each time, suspension after the 7-day grace period, reactivation on payment."""

import datetime as dt

import time_machine
from django.core import mail

from apps.billing.models import Invoice, Payment, Subscription
from apps.billing.services import dunning_run, invoice_issue_for_period, payment_failed, payment_succeeded
from apps.billing.providers import payment_provider
from apps.tenants.models import Tenant

from .factories import active_subscription, plan_with_price

T0 = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_dunning_retries_emails_suspends_and_payment_reactivates(tenant_alpha, django_capture_on_commit_callbacks):
    plan = plan_with_price("basic", "20000")
    with time_machine.travel(T0, tick=False):
        # No saved method: retries only email (charges are covered by the worker test).
        subscription = active_subscription(tenant_alpha, plan, payment_method="")
        invoice = invoice_issue_for_period(subscription=subscription, issue_date=T0.date())
        first = Payment.objects.create(invoice=invoice, provider="sandbox", reference="pay_first",
                                       amount=invoice.total, currency="KRW", off_session=True)
        with django_capture_on_commit_callbacks(execute=True):
            payment_failed(reference=first.reference, reason="card_declined")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PAST_DUE
    assert subscription.next_retry_at == T0 + dt.timedelta(days=1)
    assert mail.outbox[-1].to == ["owner@alpha.test"] and "card_declined" in mail.outbox[-1].body
    checkout = Payment.objects.filter(invoice=invoice, off_session=False).latest("id")
    assert f"/billing/sandbox/checkout/{checkout.reference}/" in mail.outbox[-1].body  # pay link works while suspended

    for day, attempt in ((1, 1), (3, 2), (5, 3)):
        with time_machine.travel(T0 + dt.timedelta(days=day, minutes=5), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                assert dunning_run() == {"retried": 1, "suspended": 0}
            assert dunning_run() == {"retried": 0, "suspended": 0}  # not due again before the next retry day
        subscription.refresh_from_db()
        assert subscription.dunning_attempts == attempt
        # alpha's locale is Korean: the owner is written to in Korean
        assert f"({attempt}회차)" in mail.outbox[-1].body and mail.outbox[-1].to == ["owner@alpha.test"]

    with time_machine.travel(T0 + dt.timedelta(days=6), tick=False):
        assert dunning_run() == {"retried": 0, "suspended": 0}  # nothing due between retries and grace end
    with time_machine.travel(T0 + dt.timedelta(days=7, minutes=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert dunning_run() == {"retried": 0, "suspended": 1}
    assert "정지" in mail.outbox[-1].subject and invoice.number in mail.outbox[-1].body
    subscription.refresh_from_db()
    tenant_alpha.refresh_from_db()
    assert subscription.status == Subscription.Status.SUSPENDED
    assert tenant_alpha.status == Tenant.Status.SUSPENDED and invoice.number in tenant_alpha.suspended_reason

    # the owner pays through checkout later: everything reopens
    late = Payment.objects.create(invoice=invoice, provider="sandbox", reference="pay_late", amount=invoice.total,
                                  currency="KRW")
    payment_succeeded(reference=late.reference, payment_method="pm_sandbox_visa")
    subscription.refresh_from_db()
    tenant_alpha.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert subscription.status == Subscription.Status.ACTIVE and subscription.next_retry_at is None
    assert tenant_alpha.status == Tenant.Status.ACTIVE and not tenant_alpha.suspended_reason
    assert payment_provider().name == "sandbox"
