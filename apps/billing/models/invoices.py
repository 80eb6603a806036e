"""Invoices, their lines and numbering, and the payments that collect them."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .subscriptions import Subscription


class InvoiceSequence(models.Model):
    """The last invoice number used in a year (invoices are numbered 1, 2, ... per year)."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number sequence")
        verbose_name_plural = _("invoice number sequences")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")
        UNCOLLECTIBLE = "uncollectible", _("Uncollectible")

    number = models.CharField(_("number"), max_length=20, unique=True)
    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.PROTECT,
                               related_name="invoices")
    subscription = models.ForeignKey(Subscription, verbose_name=_("subscription"), on_delete=models.PROTECT,
                                     related_name="invoices")
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    currency = models.CharField(_("currency"), max_length=3)
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2)
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=Decimal("0"))
    tax = models.DecimalField(_("tax"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-number"]

    def __str__(self):
        return self.number


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan")
        ADDON = "addon", _("Add-on")
        PRORATION = "proration", _("Proration")
        DISCOUNT = "discount", _("Discount")
        CREDIT = "credit", _("Credit")

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=4, default=Decimal("1"))
    unit_amount = models.DecimalField(_("unit amount"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["id"]

    def __str__(self):
        return self.description


class Payment(models.Model):
    """One attempt to collect an invoice through the payment provider."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT,
                                related_name="payments")
    provider = models.CharField(_("provider"), max_length=30)
    reference = models.CharField(_("provider reference"), max_length=80, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    off_session = models.BooleanField(_("automatic retry"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference
