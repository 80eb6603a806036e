"""Dunning in process with time travel: failure, retries on days 1, 3, 5 with an email
each time, suspension after the 7-day grace period, reactivation on payment."""

import datetime as dt
import re

import time_machine
from django.core import mail

from apps.billing.dunning import dunning_run
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import Invoice, Payment, Subscription
from apps.billing.payments import payment_failed, payment_succeeded
from apps.billing.providers import payment_provider
from apps.tenants.models import Tenant
from tests.plugin import client_for

from .factories import active_subscription, plan_with_price

T0 = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)
PAY_LINK = re.compile(r"https?://localhost(?::\d+)?(/billing/pay/[^/\s]+/)")


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
    assert PAY_LINK.search(mail.outbox[-1].body)  # the invoice's pay page: writing the mail opened no checkout
    assert not Payment.objects.filter(invoice=invoice, off_session=False).exists()

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

    # the owner follows the mail's pay link (on the public host: it works while the workspace
    # is suspended), clicks Pay, and the provider's checkout is opened then
    path = PAY_LINK.search(mail.outbox[-1].body).group(1)
    page = client_for(None).get(path)
    assert page.status_code == 200 and invoice.number in page.content.decode()
    assert not Payment.objects.filter(invoice=invoice, off_session=False).exists()
    paying = client_for(None).post(path)
    late = Payment.objects.get(invoice=invoice, off_session=False)
    assert paying.status_code == 302 and paying["Location"].endswith(f"/billing/sandbox/checkout/{late.reference}/")
    payment_succeeded(reference=late.reference, payment_method="pm_sandbox_visa")
    subscription.refresh_from_db()
    tenant_alpha.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert subscription.status == Subscription.Status.ACTIVE and subscription.next_retry_at is None
    assert tenant_alpha.status == Tenant.Status.ACTIVE and not tenant_alpha.suspended_reason
    assert payment_provider().name == "sandbox"
