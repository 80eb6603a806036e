"""E-mails to a workspace's owner about its bill: an invoice was issued, a payment was
received (receipt), a payment failed / is retried / the workspace is suspended (dunning).

Written in the tenant's language, money formatted for people (apps.core.money), links
built by apps.core.urls, plain text with an HTML alternative, sent after commit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.core.money import format_money
from apps.core.urls import absolute_url


def _recipient(tenant) -> str:
    return tenant.owner.email if tenant.owner_id else tenant.owner_email


def _send_after_commit(*, to: str, subject: str, text: str, html: str | None = None) -> None:
    message = EmailMultiAlternatives(subject, text, None, [to])
    if html:
        message.attach_alternative(html, "text/html")
    transaction.on_commit(message.send)


def invoice_url(invoice) -> str:
    """The invoice's page in the workspace admin (the owner's own host)."""
    path = reverse("tenant_admin:billing_invoice_change", args=[invoice.pk], urlconf=settings.ROOT_URLCONF)
    return absolute_url(path, host=invoice.tenant.get_primary_domain().domain)


def _owner_mail(*, template: str, invoice, **context) -> None:
    tenant = invoice.tenant
    context = {"tenant": tenant, "invoice": invoice, "lines": list(invoice.lines.all()),
               "invoice_url": invoice_url(invoice), **context}
    with translation.override(tenant.locale or settings.LANGUAGE_CODE), timezone.override(tenant.timezone):
        subject = " ".join(render_to_string(f"billing/email/{template}_subject.txt", context).split())
        text = render_to_string(f"billing/email/{template}.txt", context)
        html = render_to_string(f"billing/email/{template}.html", context)
    _send_after_commit(to=_recipient(tenant), subject=subject, text=text, html=html)


def invoice_issued_send(*, invoice, pay_url: str = "") -> None:
    """`pay_url`: the hosted checkout, when the invoice is not charged automatically."""
    _owner_mail(template="invoice_issued", invoice=invoice, pay_url=pay_url)


def receipt_send(*, invoice, payment) -> None:
    _owner_mail(template="receipt", invoice=invoice, payment=payment)


_DUNNING = {
    "failed": (_("Payment failed for %(tenant)s"),
               _("We could not collect invoice %(number)s (%(amount)s): %(reason)s.\n"
                 "We will retry automatically on %(retry)s. Pay now: %(url)s")),
    "retry": (_("Payment retry %(attempt)s for %(tenant)s"),
              _("We are retrying invoice %(number)s (%(amount)s), attempt %(attempt)s.\n"
                "If it fails again, your workspace will be suspended on %(suspend)s. Pay now: %(url)s")),
    "suspended": (_("%(tenant)s has been suspended"),
                  _("Invoice %(number)s (%(amount)s) is still unpaid, so the workspace is suspended.\n"
                    "Pay to reopen it at once: %(url)s")),
}


def dunning_notice_send(*, subscription, kind: str, invoice, pay_url: str, reason: str = "",
                        attempt: int = 0) -> None:
    tenant = subscription.tenant
    subject, body = _DUNNING[kind]
    grace_end = (subscription.past_due_since or timezone.now()) + dt.timedelta(days=settings.BILLING_GRACE_DAYS)
    locale = tenant.locale or settings.LANGUAGE_CODE
    with translation.override(locale):
        facts = {"tenant": tenant.name, "number": invoice.number,
                 "amount": format_money(invoice.total, invoice.currency), "reason": reason, "attempt": attempt,
                 "retry": subscription.next_retry_at.date() if subscription.next_retry_at else "-",
                 "suspend": grace_end.date(), "url": pay_url}
        _send_after_commit(to=_recipient(tenant), subject=str(subject) % facts, text=str(body) % facts)
