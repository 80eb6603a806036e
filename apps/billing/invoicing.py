"""Invoices: numbering, the invoice for a subscription's period (plan, add-ons, promo,
credit), voiding one issued in error. An issued invoice is mailed to the owner after
commit, with a pay link unless a saved payment method will be charged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.errors import ReasonRequired
from apps.events.services import event_record

from . import emails
from .amounts import money_round, tax_on
from .catalog import price_in_force
from .errors import InvoiceNotOpen
from .events import INVOICE_ISSUED, invoice_issued_data
from .models import Invoice, InvoiceLine, InvoiceSequence, Payment, Subscription
from .paylinks import pay_url
from .promos import promo_discount

# (kind, description, quantity, unit amount); negative amounts reduce the bill.
Line = tuple[str, str, Decimal, Decimal]


def _next_invoice_number(year: int) -> str:
    InvoiceSequence.objects.get_or_create(year=year)
    sequence = InvoiceSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"INV-{year}-{sequence.last_number:06d}"


def invoice_create(*, subscription: Subscription, issue_date: dt.date, period_start: dt.date,
                   period_end: dt.date, currency: str, lines: list[Line]) -> Invoice:
    """Issue an invoice of `lines` (inside the caller's transaction)."""
    built = [InvoiceLine(kind=kind, description=str(text)[:200], quantity=qty, unit_amount=unit,
                         amount=money_round(unit * qty, currency)) for kind, text, qty, unit in lines]
    subtotal = sum((line.amount for line in built if line.amount > 0), Decimal("0"))
    reductions = -sum((line.amount for line in built if line.amount < 0), Decimal("0"))
    taxable = max(subtotal - reductions, Decimal("0"))
    tax = tax_on(taxable, currency)
    invoice = Invoice(
        number=_next_invoice_number(issue_date.year), tenant=subscription.tenant, subscription=subscription,
        status=Invoice.Status.OPEN if taxable > 0 else Invoice.Status.PAID, issue_date=issue_date,
        due_date=issue_date + dt.timedelta(days=settings.BILLING_DUE_DAYS), period_start=period_start,
        period_end=period_end, currency=currency, subtotal=subtotal, discount=min(reductions, subtotal), tax=tax,
        total=taxable + tax, paid_at=None if taxable > 0 else timezone.now())
    invoice.save()
    for line in built:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(built)
    audit_record(action="invoice.issued", target=invoice, tenant=subscription.tenant,
                 changes={"status": [None, invoice.status]}, metadata={"total": str(invoice.total)})
    event_record(INVOICE_ISSUED.name, invoice_issued_data(invoice), tenant=subscription.tenant)
    if invoice.status == Invoice.Status.OPEN:
        # Charged automatically when a payment method is saved; otherwise the mail links
        # to the invoice's pay page.
        emails.invoice_issued_send(invoice=invoice, pay_url="" if subscription.payment_method else pay_url(invoice))
    return invoice


@transaction.atomic
def invoice_issue_for_period(*, subscription: Subscription, issue_date: dt.date) -> Invoice:
    """The invoice for the subscription's current period at the prices in force on
    `issue_date`: plan, add-ons, promo discount, then any credit."""
    price = price_in_force(plan=subscription.plan, on=issue_date)
    currency = price.currency
    lines: list[Line] = [(InvoiceLine.Kind.PLAN, gettext("%(plan)s plan, %(start)s to %(end)s") % {
        "plan": subscription.plan.name, "start": subscription.current_period_start,
        "end": subscription.current_period_end}, Decimal("1"), price.amount)]
    for item in subscription.addons.select_related("addon"):
        lines.append((InvoiceLine.Kind.ADDON, item.addon.name, Decimal(item.quantity), item.addon.price))
    gross = sum((qty * unit for _k, _t, qty, unit in lines), Decimal("0"))
    discount = promo_discount(promo=subscription.promo, periods_used=subscription.promo_periods_used,
                              amount=gross, currency=currency)
    if discount:
        lines.append((InvoiceLine.Kind.DISCOUNT, gettext("Promo code %(code)s") % {"code": subscription.promo.code},
                      Decimal("1"), -discount))
        subscription.promo_periods_used += 1
    credit = min(subscription.credit, gross - discount)
    if credit > 0:
        lines.append((InvoiceLine.Kind.CREDIT, gettext("Credit from earlier changes"), Decimal("1"), -credit))
        subscription.credit -= credit
    subscription.save(update_fields=["promo_periods_used", "credit", "updated_at"])
    return invoice_create(subscription=subscription, issue_date=issue_date,
                          period_start=subscription.current_period_start,
                          period_end=subscription.current_period_end, currency=currency, lines=lines)


def invoice_void(*, invoice: Invoice, actor, reason: str) -> Invoice:
    """Cancel an open invoice issued in error (HQ). Its number stays used."""
    if not (reason or "").strip():
        raise ReasonRequired(_("Say why the invoice is voided."))
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("tenant").get(pk=invoice.pk)
        if invoice.status not in (Invoice.Status.OPEN, Invoice.Status.DRAFT):
            raise InvoiceNotOpen()
        before = invoice.status
        invoice.status = Invoice.Status.VOID
        invoice.save(update_fields=["status"])
        Payment.objects.filter(invoice=invoice, status=Payment.Status.PENDING).update(
            status=Payment.Status.FAILED, failure_reason="invoice_void", completed_at=timezone.now())
        audit_record(action="invoice.voided", actor=actor, target=invoice, tenant=invoice.tenant,
                     changes={"status": [before, invoice.status]}, metadata={"reason": reason})
    return invoice
