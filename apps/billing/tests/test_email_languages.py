"""Each billing e-mail (invoice issued, receipt, the three dunning notices) in the
owner's language, else the tenant's: Korean and English, text and HTML, every link in
the text."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.models import User
from apps.billing.emails import dunning_notice_send
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import Payment
from apps.billing.payments import payment_succeeded
from apps.tenants.models import Tenant
from tests.emails import parts

from .factories import active_subscription, plan_with_price

PAY_URL = "http://localhost/billing/pay/token/"


@pytest.fixture(params=["ko", "en"])
def language(request, tenant_alpha):
    """The owner speaks `language`; the tenant's locale is the other one (the owner's wins)."""
    Tenant.objects.filter(pk=tenant_alpha.pk).update(locale="en" if request.param == "ko" else "ko")
    User.objects.filter(email="owner@alpha.test").update(language=request.param)
    tenant_alpha.refresh_from_db()
    return request.param


@pytest.fixture
def subscription(tenant_alpha, language):
    return active_subscription(Tenant.objects.get(pk=tenant_alpha.pk), plan_with_price("basic", "20000"),
                               payment_method="")


def issue(subscription, capture):
    mail.outbox.clear()
    with capture(execute=True):
        invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    [message] = mail.outbox
    return invoice, message


def test_invoice_issued(subscription, language, django_capture_on_commit_callbacks):
    invoice, message = issue(subscription, django_capture_on_commit_callbacks)
    text, html = parts(message)
    expected = {"ko": (f"Alpha Academy 청구서 {invoice.number}", "여기에서 결제하세요", "지금 결제하기"),
                "en": (f"Invoice {invoice.number} for Alpha Academy", "Pay it here:", "Pay now")}[language]
    assert message.subject == expected[0] and expected[1] in text and expected[2] in html
    assert "₩22,000" in text and "₩22,000" in html
    assert "/billing/pay/" in text and f"/admin/billing/invoice/{invoice.pk}/change/" in text


def test_receipt(subscription, language, django_capture_on_commit_callbacks):
    invoice, _issued = issue(subscription, django_capture_on_commit_callbacks)
    Payment.objects.create(invoice=invoice, provider="sandbox", reference="pay_lang", amount=invoice.total,
                           currency="KRW")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        payment_succeeded(reference="pay_lang")
    [message] = mail.outbox
    text, html = parts(message)
    expected = {"ko": ("영수증", "결제를 받았습니다"),
                "en": ("Receipt for invoice", "We received your payment")}[language]
    assert expected[0] in message.subject and expected[1] in text and expected[1] in html
    assert f"/admin/billing/invoice/{invoice.pk}/change/" in text


@pytest.mark.parametrize("kind", ["failed", "retry", "suspended"])
def test_dunning_notices(subscription, language, kind, django_capture_on_commit_callbacks):
    invoice, _issued = issue(subscription, django_capture_on_commit_callbacks)
    subscription.next_retry_at = timezone.now() + dt.timedelta(days=1)
    subscription.past_due_since = timezone.now()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dunning_notice_send(subscription=subscription, kind=kind, invoice=invoice, pay_url=PAY_URL,
                            reason="card_declined", attempt=2)
    [message] = mail.outbox
    text, html = parts(message)
    expected = {
        ("ko", "failed"): ("결제 실패", "결제에 실패했습니다: card_declined"),
        ("ko", "retry"): ("결제 재시도 2회차", "(2회차)"),
        ("ko", "suspended"): ("정지", "워크스페이스가 정지되었습니다"),
        ("en", "failed"): ("Payment failed for Alpha Academy", "We could not collect invoice"),
        ("en", "retry"): ("Payment retry 2 for Alpha Academy", "attempt 2"),
        ("en", "suspended"): ("Alpha Academy has been suspended", "is still unpaid"),
    }[language, kind]
    assert expected[0] in message.subject and expected[1] in text and expected[1] in html
    assert invoice.number in text and "₩22,000" in text and PAY_URL in text
    assert ("지금 결제하기" if language == "ko" else "Pay now") in html


def test_an_unknown_notice_is_refused(tenant_alpha):
    subscription = active_subscription(tenant_alpha, plan_with_price("basic", "20000"), payment_method="")
    invoice = invoice_issue_for_period(subscription=subscription, issue_date=timezone.localdate())
    with pytest.raises(ValueError):
        dunning_notice_send(subscription=subscription, kind="reminder", invoice=invoice, pay_url=PAY_URL)
