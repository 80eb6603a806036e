"""Dunning: past-due subscriptions are retried on BILLING_DUNNING_RETRY_DAYS with an
e-mail each time, and suspended (the tenant too) once BILLING_GRACE_DAYS have passed.
A failed payment starts it (`payments.payment_failed`); a payment ends it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.audit.services import audit_record
from apps.tenants.lifecycle import tenant_suspend
from apps.tenants.models import Tenant

from . import emails
from .models import Invoice, Subscription
from .paylinks import pay_url
from .payments import invoice_charge


def dunning_run(*, now: dt.datetime | None = None) -> dict:
    """Beat: retry past-due payments on schedule, emailing the owner each time, and
    suspend tenants still unpaid after the grace period."""
    now = now or timezone.now()
    done = {"retried": 0, "suspended": 0}
    due = Subscription.objects.filter(status=Subscription.Status.PAST_DUE, next_retry_at__lte=now)
    for subscription_id in due.values_list("pk", flat=True):
        outcome, charge = _dunning_step(subscription_id=subscription_id, now=now)
        if charge is not None:  # after the step's commit: no lock held while the provider answers
            invoice_charge(invoice=charge)
        if outcome:
            done[outcome] += 1
    return done


def _dunning_step(*, subscription_id: int, now: dt.datetime) -> tuple[str | None, Invoice | None]:
    """(what was done, the invoice to charge once committed)."""
    retry_days = settings.BILLING_DUNNING_RETRY_DAYS
    with transaction.atomic(durable=True):
        subscription = Subscription.objects.select_for_update().select_related("tenant").get(pk=subscription_id)
        if subscription.status != Subscription.Status.PAST_DUE or subscription.next_retry_at > now:
            return None, None
        invoice = (Invoice.objects.filter(subscription=subscription, status=Invoice.Status.OPEN)
                   .order_by("issue_date", "pk").first())
        grace_end = subscription.past_due_since + dt.timedelta(days=settings.BILLING_GRACE_DAYS)
        if invoice is None:
            subscription.status = Subscription.Status.ACTIVE
            subscription.next_retry_at = None
            subscription.save()
            return None, None
        if now >= grace_end:
            subscription.status = Subscription.Status.SUSPENDED
            subscription.next_retry_at = None
            subscription.save()
            tenant = subscription.tenant
            if tenant.status == Tenant.Status.ACTIVE:
                tenant_suspend(tenant=tenant, actor=None,
                               reason=gettext("Unpaid invoice %(number)s") % {"number": invoice.number})
            _notice(subscription, "suspended", invoice=invoice)
            return "suspended", None
        subscription.dunning_attempts += 1
        attempt = subscription.dunning_attempts
        subscription.next_retry_at = (subscription.past_due_since + dt.timedelta(days=retry_days[attempt])
                                      if attempt < len(retry_days) else grace_end)
        subscription.save()
        audit_record(action="subscription.payment_retried", target=subscription, tenant=subscription.tenant,
                     metadata={"attempt": attempt, "invoice": invoice.number,
                               "next": subscription.next_retry_at.isoformat()})
        _notice(subscription, "retry", invoice=invoice, attempt=attempt)
    return "retried", invoice if subscription.payment_method else None


def _notice(subscription: Subscription, kind: str, *, invoice: Invoice, attempt: int = 0) -> None:
    # The pay link leads to the invoice's pay page on the public host: it works even when
    # the workspace itself is suspended, and building it creates nothing.
    emails.dunning_notice_send(subscription=subscription, kind=kind, invoice=invoice, pay_url=pay_url(invoice),
                               attempt=attempt)
