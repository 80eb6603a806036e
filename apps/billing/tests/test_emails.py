"""The owner hears about the bill: an e-mail when an invoice is issued and a receipt when
it is paid, in the workspace's language, plain text and HTML, money as people read it,
links that open the invoice in the workspace admin."""

import re

from django.core import mail
from django.test import override_settings
from django.utils import timezone

from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import Payment
from apps.billing.payments import payment_succeeded
from apps.tenants.models import Tenant
from tests.plugin import PASSWORD, client_for

from .factories import active_subscription, plan_with_price

DEV = override_settings(PUBLIC_SCHEME="http", PUBLIC_PORT=8000)


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_invoice_issued_mail_in_korean_with_a_pay_link(tenant_alpha, django_capture_on_commit_callbacks):
    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "1000000"), payment_method="")
    mail.outbox.clear()
    with DEV, django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    [message] = mail.outbox
    assert message.to == ["owner@alpha.test"]
    assert message.subject == f"Alpha Academy 청구서 {invoice.number}"  # alpha's language is Korean
    for body in (message.body, html_of(message)):
        assert "₩1,100,000" in body and "₩100,000" in body  # total and VAT; never "1100000.00"
        assert "1100000" not in body and ".00" not in body
        assert "여기에서 결제하세요" in body
        assert f"http://alpha.localhost:8000/admin/billing/invoice/{invoice.pk}/change/" in body
    # the pay link leads to the invoice's pay page on the public host; the checkout opens on "Pay"
    path = re.search(r"http://localhost:8000(/billing/pay/[^/\s]+/)", message.body).group(1)
    assert not Payment.objects.filter(invoice=invoice).exists()
    page = client_for(None).get(path).content.decode()
    assert invoice.number in page and "₩1,100,000" in page and 'id="pay"' in page
    paying = client_for(None).post(path)
    checkout = Payment.objects.get(invoice=invoice, off_session=False)
    assert paying["Location"] == f"http://localhost/billing/sandbox/checkout/{checkout.reference}/"


def test_invoice_charged_automatically_says_so_in_english(tenant_alpha, django_capture_on_commit_callbacks):
    Tenant.objects.filter(pk=tenant_alpha.pk).update(locale="en")
    tenant_alpha.refresh_from_db()
    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "20000"))  # saved card
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    [message] = mail.outbox
    assert message.subject == f"Invoice {invoice.number} for Alpha Academy"
    assert "charged to your saved payment method" in message.body and "Total: ₩22,000" in message.body
    assert "/billing/sandbox/checkout/" not in message.body
    assert not Payment.objects.filter(invoice=invoice).exists()


def test_receipt_when_paid_and_the_link_opens_the_invoice(tenant_alpha, django_capture_on_commit_callbacks):
    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "20000"), payment_method="")
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    payment = Payment.objects.create(invoice=invoice, provider="sandbox", reference="pay_receipt",
                                     amount=invoice.total, currency="KRW")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        payment_succeeded(reference=payment.reference, payment_method="pm_sandbox_visa")
        payment_succeeded(reference=payment.reference)  # the provider says it twice: one receipt
    [message] = mail.outbox
    assert message.to == ["owner@alpha.test"] and invoice.number in message.subject and "영수증" in message.subject
    assert "₩22,000" in message.body and "₩22,000" in html_of(message)
    path = re.search(r"https?://alpha\.localhost(?::\d+)?(/admin/billing/invoice/\d+/change/)", message.body).group(1)

    owner = client_for("alpha")
    owner.post("/admin/login/", {"username": "owner@alpha.test", "password": PASSWORD})
    page = owner.get(path)
    assert page.status_code == 200
    assert "₩22,000" in page.content.decode() and invoice.number in page.content.decode()
    assert owner.get("/admin/billing/invoice/").status_code == 200


def test_other_tenants_invoices_stay_hidden(tenant_alpha, tenant_beta):
    subscription = active_subscription(tenant_beta, plan_with_price("basic", "20000"))
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    owner = client_for("alpha")
    owner.post("/admin/login/", {"username": "owner@alpha.test", "password": PASSWORD})
    response = owner.get(f"/admin/billing/invoice/{invoice.pk}/change/")
    assert response.status_code == 302 and invoice.number not in owner.get("/admin/billing/invoice/").content.decode()
