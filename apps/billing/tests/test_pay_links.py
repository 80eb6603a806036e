"""Billing e-mails carry a pay link to the invoice's pay page on the public host. Writing
a dunning e-mail creates no rows (no checkout is opened for a mail that may never be
read); opening the page shows the invoice and creates nothing either; the owner's click
on "Pay" opens the checkout."""

import datetime as dt
import re

import time_machine
from django.apps import apps
from django.core import mail

from apps.billing.dunning import dunning_run
from apps.billing.invoicing import invoice_issue_for_period, invoice_void
from apps.billing.models import Invoice, Payment
from apps.billing.paylinks import invoice_for_pay_token, pay_url
from apps.billing.payments import payment_failed, payment_succeeded
from tests.plugin import client_for

from .factories import active_subscription, plan_with_price

T0 = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)
PAY_PATH = re.compile(r"https?://localhost(?::\d+)?(/billing/pay/[^/\s]+/)")


def billing_rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config("billing").get_models()}


def test_dunning_mails_create_no_rows(tenant_alpha, django_capture_on_commit_callbacks):
    plan = plan_with_price("basic", "20000")
    with time_machine.travel(T0, tick=False):
        subscription = active_subscription(tenant_alpha, plan, payment_method="")
        invoice = invoice_issue_for_period(subscription=subscription, issue_date=T0.date())
        failed = Payment.objects.create(invoice=invoice, provider="sandbox", reference="pay_declined",
                                        amount=invoice.total, currency="KRW", off_session=True)
        rows = billing_rows()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            payment_failed(reference=failed.reference, reason="card_declined")  # "payment failed" mail
    for days, kind in ((1, "retried"), (8, "suspended")):
        with time_machine.travel(T0 + dt.timedelta(days=days), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                assert dunning_run()[kind] == 1  # a "retry" mail, then a "suspended" one
    assert len(mail.outbox) == 3
    assert billing_rows() == rows
    tokens = [PAY_PATH.search(message.body).group(1).split("/")[3] for message in mail.outbox]
    assert [invoice_for_pay_token(token) for token in tokens] == [invoice] * 3


def test_the_pay_page_opens_a_checkout_only_on_pay(tenant_alpha):
    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "20000"), payment_method="")
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=T0.date())
    path = PAY_PATH.search(pay_url(invoice)).group(1)
    client = client_for(None)
    rows = billing_rows()
    page = client.get(path)
    assert page.status_code == 200 and billing_rows() == rows
    body = page.content.decode()
    assert invoice.number in body and "₩22,000" in body and 'id="pay"' in body
    assert "결제" in body  # in the workspace's language (alpha's is Korean)

    paying = client.post(path)
    payment = Payment.objects.get(invoice=invoice)
    assert paying.status_code == 302 and paying["Location"].endswith(f"/billing/sandbox/checkout/{payment.reference}/")
    assert not payment.off_session and payment.status == Payment.Status.PENDING

    payment_succeeded(reference=payment.reference, payment_method="pm_sandbox_visa")
    rows = billing_rows()
    paid = client.post(path)  # a second click after payment opens nothing
    assert paid.status_code == 200 and billing_rows() == rows
    assert 'id="pay"' not in paid.content.decode() and 'id="status"' in paid.content.decode()


def test_pay_links_we_did_not_make_lead_nowhere(tenant_alpha, hq_user):
    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "20000"), payment_method="")
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=T0.date())
    token = PAY_PATH.search(pay_url(invoice)).group(1).split("/")[3]
    client = client_for(None)
    forged = token.replace(token[-4:], "abcd" if token[-4:] != "abcd" else "dcba")
    for bad in ("1", str(invoice.pk), forged):
        assert client.get(f"/billing/pay/{bad}/").status_code == 404
        assert client.post(f"/billing/pay/{bad}/").status_code == 404
    invoice_void(invoice=invoice, actor=hq_user, reason="issued in error")
    voided = client.post(f"/billing/pay/{token}/")
    assert voided.status_code == 200 and 'id="pay"' not in voided.content.decode()
    assert not Payment.objects.filter(invoice=invoice).exists()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.VOID


def test_an_invoice_has_one_pay_link_and_older_links_still_open(tenant_alpha):
    from django.core import signing

    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "20000"), payment_method="")
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=T0.date())
    with time_machine.travel(T0, tick=False):
        first = pay_url(invoice)
    with time_machine.travel(T0 + dt.timedelta(days=3), tick=False):
        assert pay_url(invoice) == first  # the same link in every e-mail and on every page
    earlier_release = signing.dumps(invoice.pk, salt="billing.pay-link")  # signed with a timestamp
    assert invoice_for_pay_token(earlier_release) == invoice
    token = first.rstrip("/").rsplit("/", 1)[1]
    assert invoice_for_pay_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert invoice_for_pay_token(signing.Signer(salt="billing.pay-link.v2").sign_object("x")) is None
    assert client_for(None).get(PAY_PATH.search(first).group(1)).status_code == 200
