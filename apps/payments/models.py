"""Consumers' payments for orders (the workspace is the merchant) and refunds, shaped
after the Korean gateways: PortOne V2's payment statuses and Toss' partial cancel. At
capture each payment records the platform commission in force and the provider fee,
for settlement."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def _currency():
    return settings.COMMERCE_CURRENCY


class Payment(models.Model):
    class Status(models.TextChoices):  # PortOne V2
        READY = "ready", _("Awaiting payment")
        PAID = "paid", _("Paid")
        PARTIAL_CANCELLED = "partial_cancelled", _("Partially refunded")
        CANCELLED = "cancelled", _("Refunded")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="payments")
    provider = models.CharField(_("provider"), max_length=30)
    reference = models.CharField(_("payment id"), max_length=100, unique=True,
                                 help_text=_("Our id for the payment at the provider."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.READY,
                              db_index=True)
    amount = models.BigIntegerField(_("amount"), validators=[MinValueValidator(1)])
    currency = models.CharField(_("currency"), max_length=3, default=_currency)
    refunded_amount = models.BigIntegerField(_("refunded"), default=0)
    # Refunds asked of the provider and not yet answered: reserved while the provider is
    # called (outside any lock), so that concurrent refunds can never exceed the capture.
    refund_pending_amount = models.BigIntegerField(_("refund in progress"), default=0)
    method = models.CharField(_("method"), max_length=40, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    # Settlement inputs, fixed at capture.
    commission_rate = models.DecimalField(_("commission rate (%)"), max_digits=5, decimal_places=2, null=True,
                                          blank=True)
    commission_amount = models.BigIntegerField(_("commission"), null=True, blank=True)
    # The plan's price version the rate came from (None: no plan price in force, rate 0).
    # No constraint and no cascade: a public row's deletion must not look for tenant rows
    # in the public schema (like `Refund.actor`); the rate itself is copied here anyway.
    commission_version = models.ForeignKey("billing.PlanPrice", verbose_name=_("commission version"), null=True,
                                           blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                           related_name="+")
    fee_amount = models.BigIntegerField(_("provider fee"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Refunds never exceed what was captured, whatever the race (the service locks
            # the row first; this is the floor under it).
            models.CheckConstraint(condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("amount")),
                                   name="payments_payment_refund_within_amount"),
            models.CheckConstraint(condition=Q(refund_pending_amount__gte=0)
                                   & Q(refund_pending_amount__lte=F("amount") - F("refunded_amount")),
                                   name="payments_payment_pending_refund_within_amount"),
            # One open checkout per order: starting to pay again reuses it.
            models.UniqueConstraint(fields=["order"], condition=Q(status="ready"),
                                    name="payments_payment_one_ready_per_order"),
        ]

    def __str__(self):
        return self.reference

    @property
    def refundable(self) -> int:
        """What can still be refunded (captured, minus refunds done and in progress)."""
        if self.status not in (self.Status.PAID, self.Status.PARTIAL_CANCELLED):
            return 0
        return self.amount - self.refunded_amount - self.refund_pending_amount


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField(_("amount"), validators=[MinValueValidator(1)])
    currency = models.CharField(_("currency"), max_length=3, default=_currency)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    # The Idempotency-Key of the request; a refund spread over several payments of an
    # order has one row per payment under the same key.
    idempotency_key = models.CharField(_("idempotency key"), max_length=255)
    provider_refund_id = models.CharField(_("provider refund id"), max_length=100, null=True, blank=True, unique=True)
    failure_reason = models.CharField(_("failure reason"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["payment", "idempotency_key"],
                                               name="payments_refund_key_unique_per_payment")]
        indexes = [models.Index(fields=["idempotency_key"], name="payments_refund_key_idx")]

    def __str__(self):
        return f"{self.payment} −{self.amount}"
