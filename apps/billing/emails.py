"""E-mails to a workspace's owner about its bill: an invoice was issued, a payment was
received (receipt), a payment failed / is retried / the workspace is suspended (dunning).

Written in the owner's language (apps.tenants.invites.owner_language) and the tenant's
time zone, money formatted for people (apps.core.money), links built by apps.core.urls,
plain text with an HTML alternative (apps.core.mail), sent after commit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.core.mail import send_templated_mail
from apps.core.urls import absolute_url
from apps.tenants.invites import owner_address, owner_language


def invoice_url(invoice) -> str:
    """The invoice's page in the workspace admin (the owner's own host)."""
    path = reverse("tenant_admin:billing_invoice_change", args=[invoice.pk], urlconf=settings.ROOT_URLCONF)
    return absolute_url(path, host=invoice.tenant.get_primary_domain().domain)


def _owner_mail(*, template: str, tenant, **context) -> None:
    send_templated_mail(to=owner_address(tenant), template=f"billing/email/{template}",
                        context={"tenant": tenant, **context}, language=owner_language(tenant),
                        time_zone=tenant.timezone, brand=tenant.name, on_commit=True)


def _invoice_mail(*, template: str, invoice, **context) -> None:
    _owner_mail(template=template, tenant=invoice.tenant, invoice=invoice, lines=list(invoice.lines.all()),
                invoice_url=invoice_url(invoice), **context)


def invoice_issued_send(*, invoice, pay_url: str = "") -> None:
    """`pay_url`: the hosted checkout, when the invoice is not charged automatically."""
    _invoice_mail(template="invoice_issued", invoice=invoice, pay_url=pay_url)


def receipt_send(*, invoice, payment) -> None:
    _invoice_mail(template="receipt", invoice=invoice, payment=payment)


DUNNING_KINDS = ("failed", "retry", "suspended")


def dunning_notice_send(*, subscription, kind: str, invoice, pay_url: str, reason: str = "",
                        attempt: int = 0) -> None:
    """`kind`: the payment failed, is retried (`attempt`), or the workspace is suspended."""
    if kind not in DUNNING_KINDS:
        raise ValueError(f"unknown dunning notice {kind!r}")
    grace_end = (subscription.past_due_since or timezone.now()) + dt.timedelta(days=settings.BILLING_GRACE_DAYS)
    _owner_mail(template="dunning", tenant=subscription.tenant, kind=kind, invoice=invoice, pay_url=pay_url,
                reason=reason, attempt=attempt, retry_at=subscription.next_retry_at, suspend_at=grace_end)


def plan_url(tenant) -> str:
    """The plan and usage page in the workspace admin (the owner's own host)."""
    path = reverse("tenant_admin:billing_subscription_changelist", urlconf=settings.ROOT_URLCONF)
    return absolute_url(path, host=tenant.get_primary_domain().domain)


def usage_alert_send(*, tenant, label, threshold: int, used: int, limit: int, unit: str) -> None:
    """A metered quantity (`label`, lazy: rendered in the owner's language) reached
    `threshold` percent of the plan's limit (apps.billing.usage_alerts)."""
    _owner_mail(template="usage_alert", tenant=tenant, label=label, threshold=threshold, used=used, limit=limit,
                in_bytes=unit == "bytes", plan_url=plan_url(tenant))

