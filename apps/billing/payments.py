"""Collecting invoices through the payment provider: hosted checkout, off-session
charges, and what the provider reports back (its webhooks: apps.billing.inbound).

The provider is never called while a row is locked: a service locks, decides and
records the payment, commits (`durable`: never inside someone else's transaction), and
only then calls the provider; what the call itself returns is recorded in a new short
transaction, idempotently. The outcome of a charge arrives later, by webhook."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.changes import diff
from apps.tenants.lifecycle import tenant_reactivate
from apps.tenants.models import Tenant

from . import emails
from .errors import CheckoutUnavailable, InvoiceNotOpen, NoOpenInvoice, UnknownPayment
from .models import Invoice, Payment, Subscription
from .paylinks import pay_url
from .providers import ProviderUnavailable, payment_provider

logger = logging.getLogger(__name__)


def _new_payment(invoice: Invoice, *, off_session: bool) -> Payment:
    if invoice.status != Invoice.Status.OPEN:
        raise InvoiceNotOpen(_("Invoice %(number)s is %(status)s; only open invoices can be paid.")
                             % {"number": invoice.number, "status": invoice.get_status_display()})
    provider = payment_provider()
    return Payment.objects.create(invoice=invoice, provider=provider.name, reference=provider.new_reference(),
                                  amount=invoice.total, currency=invoice.currency, off_session=off_session)


def _payment_abandoned(*, payment: Payment, reason: str) -> None:
    """A payment the provider never got: closed as failed (no dunning: nothing was declined)."""
    with transaction.atomic(durable=True):
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.FAILED, failure_reason=reason, completed_at=timezone.now())


def invoice_checkout(*, invoice: Invoice, actor=None) -> tuple[Payment, str]:
    """Start a hosted checkout for an open invoice: (payment, URL to send the payer to)."""
    with transaction.atomic(durable=True):
        invoice = Invoice.objects.select_for_update().select_related("tenant").get(pk=invoice.pk)
        payment = _new_payment(invoice, off_session=False)
        audit_record(action="payment.checkout_started", actor=actor, target=payment, tenant=invoice.tenant,
                     metadata={"invoice": invoice.number, "amount": str(payment.amount)})
    try:
        return payment, payment_provider().checkout_url(payment=payment)
    except ProviderUnavailable as exc:
        logger.warning("checkout for %s not opened: %s", payment.reference, exc)
        _payment_abandoned(payment=payment, reason="provider_unavailable")
        raise CheckoutUnavailable() from exc


def subscription_checkout(*, tenant, actor) -> tuple[Payment, str]:
    """Checkout for the tenant's oldest open invoice."""
    invoice = Invoice.objects.filter(tenant=tenant, status=Invoice.Status.OPEN).order_by("issue_date", "pk").first()
    if invoice is None:
        raise NoOpenInvoice()
    return invoice_checkout(invoice=invoice, actor=actor)


def invoice_charge(*, invoice: Invoice) -> Payment | None:
    """Charge the subscription's saved payment method off-session (renewal, dunning, an
    upgrade). None when the invoice is no longer open (paid or voided meanwhile). A
    charge the provider could not take counts as a failed payment (dunning starts)."""
    with transaction.atomic(durable=True):
        invoice = Invoice.objects.select_for_update().select_related("subscription").get(pk=invoice.pk)
        if invoice.status != Invoice.Status.OPEN:
            return None
        payment = _new_payment(invoice, off_session=True)
        payment_method = invoice.subscription.payment_method
    try:
        payment_provider().charge(payment=payment, payment_method=payment_method)
    except ProviderUnavailable as exc:
        logger.warning("charge %s not submitted: %s", payment.reference, exc)
        payment_failed(reference=payment.reference, reason="provider_unavailable")
    return payment


def payment_succeeded(*, reference: str, payment_method: str = "") -> Payment:
    """Provider says paid: the invoice is paid, the subscription active, a tenant
    suspended for non-payment reopens. Idempotent."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("invoice").filter(reference=reference).first()
        if payment is None:
            raise UnknownPayment(UnknownPayment.message % {"reference": reference})
        if payment.status == Payment.Status.SUCCEEDED:
            return payment
        payment.status = Payment.Status.SUCCEEDED
        payment.completed_at = timezone.now()
        payment.save(update_fields=["status", "completed_at"])
        invoice = Invoice.objects.select_for_update().select_related("tenant").get(pk=payment.invoice_id)
        if invoice.status in (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE):
            invoice.status = Invoice.Status.PAID
            invoice.paid_at = payment.completed_at
            invoice.save(update_fields=["status", "paid_at"])
            emails.receipt_send(invoice=invoice, payment=payment)
        subscription = Subscription.objects.select_for_update().select_related("tenant").get(pk=invoice.subscription_id)
        before = subscription.status
        if payment_method:
            subscription.payment_method = payment_method
        still_open = Invoice.objects.filter(subscription=subscription, status=Invoice.Status.OPEN).exists()
        if before != Subscription.Status.CANCELLED and not still_open:
            subscription.status = Subscription.Status.ACTIVE
            subscription.past_due_since = None
            subscription.next_retry_at = None
            subscription.dunning_attempts = 0
        subscription.save()
        audit_record(action="payment.succeeded", target=payment, tenant=subscription.tenant,
                     changes=diff({"subscription": before}, {"subscription": subscription.status}),
                     metadata={"invoice": invoice.number, "amount": str(payment.amount)})
        tenant = subscription.tenant
        if (before == Subscription.Status.SUSPENDED and subscription.status == Subscription.Status.ACTIVE
                and tenant.status == Tenant.Status.SUSPENDED):
            tenant_reactivate(tenant=tenant, actor=None,
                              reason=gettext("Invoice %(number)s paid") % {"number": invoice.number})
    return payment


def payment_failed(*, reference: str, reason: str) -> Payment:
    """Provider says the payment failed: the subscription goes past due and dunning
    starts (retries on BILLING_DUNNING_RETRY_DAYS, then suspension). Idempotent."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("invoice").filter(reference=reference).first()
        if payment is None:
            raise UnknownPayment(UnknownPayment.message % {"reference": reference})
        if payment.status != Payment.Status.PENDING:
            return payment
        payment.status = Payment.Status.FAILED
        payment.failure_reason = (reason or "")[:200]
        payment.completed_at = timezone.now()
        payment.save(update_fields=["status", "failure_reason", "completed_at"])
        subscription = Subscription.objects.select_for_update().select_related("tenant").get(
            pk=payment.invoice.subscription_id)
        before = subscription.status
        if subscription.status in (Subscription.Status.ACTIVE, Subscription.Status.INCOMPLETE,
                                   Subscription.Status.TRIALING):
            now = timezone.now()
            subscription.status = Subscription.Status.PAST_DUE
            subscription.past_due_since = now
            subscription.dunning_attempts = 0
            subscription.next_retry_at = now + dt.timedelta(days=settings.BILLING_DUNNING_RETRY_DAYS[0])
            subscription.save()
            emails.dunning_notice_send(subscription=subscription, kind="failed", invoice=payment.invoice,
                                       pay_url=pay_url(payment.invoice), reason=payment.failure_reason)
        audit_record(action="payment.failed", target=payment, tenant=subscription.tenant,
                     changes=diff({"subscription": before}, {"subscription": subscription.status}),
                     metadata={"invoice": payment.invoice.number, "reason": payment.failure_reason})
    return payment
