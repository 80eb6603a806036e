"""Settlement (public schema): what the platform owes each tenant for its sales, period by
period. A batch per (tenant, period) holds one line per payment captured and per refund
made in its window, copied from the tenant's payments (apps.payments.selectors) with the
commission fixed at capture; its totals are the sums of its lines. A batch, once made, is
never edited: a later refund of an earlier period's payment is a line of a later batch
(an adjustment), and a negative net is carried into the next batch.

Windows are contiguous per tenant: a batch covers [the previous batch's end, its period's
end) (the first one everything before its end), so nothing is counted twice or missed,
even when the cycle changes; the unique (tenant, kind, source) of lines is the floor under it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.tenants.models import Tenant


class Cycle(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class SettlementAccount(models.Model):
    """A tenant's settlement terms, when they differ from its plan's: its contract's cycle,
    and a hold while a dispute is open (its batches are made, never confirmed or paid)."""

    tenant = models.OneToOneField(Tenant, verbose_name=_("tenant"), on_delete=models.CASCADE,
                                  related_name="settlement_account")
    cycle = models.CharField(_("settlement cycle"), max_length=10, choices=Cycle.choices, blank=True,
                             help_text=_("Empty: the cycle of the tenant's plan."))
    on_hold = models.BooleanField(_("on hold"), default=False,
                                  help_text=_("While on hold, new batches are held and none is confirmed or paid."))
    hold_reason = models.TextField(_("hold reason"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("settlement terms")
        verbose_name_plural = _("settlement terms")

    def __str__(self):
        return str(self.tenant)


class SettlementRun(models.Model):
    """One pass over the tenants whose period closed: one task per tenant (a Celery group),
    each tracked by its item, so that progress, failures and retries are visible."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Finished with failures")

    class Trigger(models.TextChoices):
        BEAT = "beat", _("Schedule")
        MANUAL = "manual", _("By HQ")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING,
                              db_index=True)
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices, default=Trigger.BEAT)
    as_of = models.DateTimeField(_("periods closed by"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    total = models.PositiveIntegerField(_("tenants"), default=0)
    succeeded = models.PositiveIntegerField(_("done"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("settlement run")
        verbose_name_plural = _("settlement runs")
        ordering = ["-started_at", "-id"]
        permissions = [("start_settlementrun", _("Can start settlement runs and retry tenants"))]

    def __str__(self):
        return f"#{self.pk} {self.as_of:%Y-%m-%d %H:%M}"


class RunItem(models.Model):
    """One tenant in a run: its task's state, attempts and last error."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(SettlementRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="items")
    tenant = models.ForeignKey(Tenant, verbose_name=_("tenant"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    batches = models.PositiveIntegerField(_("batches made"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tenant in a run")
        verbose_name_plural = _("tenants in a run")
        ordering = ["run", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "tenant"], name="settlement_runitem_once_per_run")]

    def __str__(self):
        return f"{self.run_id}/{self.tenant_id}"


class SettlementBatch(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")
        PAID_OUT = "paid_out", _("Paid out")
        HELD = "held", _("On hold")

    tenant = models.ForeignKey(Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT,
                               related_name="settlement_batches")
    cycle = models.CharField(_("cycle"), max_length=10, choices=Cycle.choices)
    # The period in the tenant's time zone (end exclusive) and the instants it closes.
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("The first day after the period."))
    window_start = models.DateTimeField(_("from"), null=True, blank=True,
                                        help_text=_("Empty on a tenant's first batch: everything before its end."))
    window_end = models.DateTimeField(_("until"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    payments_count = models.PositiveIntegerField(_("payments"), default=0)
    refunds_count = models.PositiveIntegerField(_("refunds"), default=0)
    adjustments_count = models.PositiveIntegerField(_("adjustments"), default=0)
    # Payment attempts decided in the window (for the payment success rate): paid + failed.
    attempts = models.PositiveIntegerField(_("payment attempts"), default=0)
    attempts_failed = models.PositiveIntegerField(_("failed attempts"), default=0)
    gross = models.BigIntegerField(_("gross sales"), default=0)
    refunds = models.BigIntegerField(_("refunds"), default=0)
    commission = models.BigIntegerField(_("commission"), default=0)
    fees = models.BigIntegerField(_("payment fees"), default=0)
    vat = models.BigIntegerField(_("VAT on commission"), default=0)
    net = models.BigIntegerField(_("net"), default=0)
    carried_in = models.BigIntegerField(_("carried over"), default=0,
                                        help_text=_("A negative net of the previous batch, taken from this one."))
    payout = models.BigIntegerField(_("payout"), default=0)
    carried_out = models.BigIntegerField(_("carried to next"), default=0)
    run = models.ForeignKey(SettlementRun, verbose_name=_("run"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="batches")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    paid_out_at = models.DateTimeField(_("paid out at"), null=True, blank=True)
    paid_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("paid out by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    payout_reference = models.CharField(_("payout reference"), max_length=100, blank=True)
    hold_reason = models.TextField(_("hold reason"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("settlement batch")
        verbose_name_plural = _("settlement batches")
        ordering = ["-period_start", "tenant_id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "period_start"], name="settlement_batch_once_per_period"),
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="settlement_batch_period"),
            # The arithmetic, as a floor under the service.
            models.CheckConstraint(condition=Q(net=F("gross") - F("refunds") - F("commission") - F("fees") - F("vat")),
                                   name="settlement_batch_net"),
            models.CheckConstraint(condition=Q(carried_in__lte=0) & Q(carried_out__lte=0) & Q(payout__gte=0)
                                   & Q(payout=F("net") + F("carried_in") - F("carried_out")),
                                   name="settlement_batch_payout"),
        ]
        indexes = [models.Index(fields=["status", "period_start"], name="settlement_batch_status_idx")]
        permissions = [("confirm_settlementbatch", _("Can confirm settlement batches")),
                       ("payout_settlementbatch", _("Can record settlement payouts")),
                       ("hold_settlementbatch", _("Can hold and release settlement batches"))]

    def __str__(self):
        return f"{self.tenant.slug} {self.period_start:%Y-%m-%d}"


class SettlementLine(models.Model):
    """A payment (positive) or a refund (negative) of the batch, as it was when settled."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")

    batch = models.ForeignKey(SettlementBatch, verbose_name=_("batch"), on_delete=models.CASCADE,
                              related_name="lines")
    tenant = models.ForeignKey(Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source_id = models.BigIntegerField(_("source id"))  # the payment's or refund's id in the tenant's schema
    reference = models.CharField(_("reference"), max_length=100)
    payment_reference = models.CharField(_("payment"), max_length=100)
    order_number = models.BigIntegerField(_("order"))
    occurred_at = models.DateTimeField(_("at"))
    amount = models.BigIntegerField(_("amount"))
    commission_rate = models.DecimalField(_("commission rate (%)"), max_digits=5, decimal_places=2)
    commission_version = models.BigIntegerField(_("commission version"), null=True, blank=True)
    commission = models.BigIntegerField(_("commission"))
    fee = models.BigIntegerField(_("payment fee"))
    vat = models.BigIntegerField(_("VAT"))
    net = models.BigIntegerField(_("net"))
    adjustment = models.BooleanField(_("adjustment"), default=False,
                                     help_text=_("A refund of a payment settled in an earlier batch."))

    class Meta:
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        ordering = ["batch", "occurred_at", "kind", "source_id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind", "source_id"], name="settlement_line_settled_once"),
            models.CheckConstraint(condition=Q(net=F("amount") - F("commission") - F("fee") - F("vat")),
                                   name="settlement_line_net"),
        ]
        # A statement's lines in settlement order, paged, without sorting a 100,000-line batch.
        indexes = [models.Index(fields=["batch", "occurred_at", "kind", "source_id"], name="settlement_line_order_idx")]

    def __str__(self):
        return self.reference


class TaxInvoice(models.Model):
    """The commission tax invoice (세금계산서) of a confirmed batch: what filing needs
    (the filing itself happens elsewhere)."""

    batch = models.OneToOneField(SettlementBatch, verbose_name=_("batch"), on_delete=models.PROTECT,
                                 related_name="tax_invoice")
    tenant = models.ForeignKey(Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=30, unique=True)
    issue_date = models.DateField(_("issue date"))
    supplier_name = models.CharField(_("supplier"), max_length=200)
    supplier_business_number = models.CharField(_("supplier's registration number"), max_length=30)
    supplier_representative = models.CharField(_("supplier's representative"), max_length=100, blank=True)
    supplier_address = models.CharField(_("supplier's address"), max_length=300, blank=True)
    supplier_email = models.EmailField(_("supplier's e-mail"), blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_business_number = models.CharField(_("recipient's registration number"), max_length=30, blank=True)
    recipient_address = models.CharField(_("recipient's address"), max_length=300, blank=True)
    recipient_email = models.EmailField(_("recipient's e-mail"), blank=True)
    item = models.CharField(_("item"), max_length=200)
    supply_amount = models.BigIntegerField(_("supply amount"))
    vat = models.BigIntegerField(_("VAT"))
    total = models.BigIntegerField(_("total"))
    currency = models.CharField(_("currency"), max_length=3)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tax invoice")
        verbose_name_plural = _("tax invoices")
        ordering = ["-issue_date", "-number"]
        constraints = [models.CheckConstraint(condition=Q(total=F("supply_amount") + F("vat")),
                                              name="settlement_taxinvoice_total")]

    def __str__(self):
        return self.number


class Reconciliation(models.Model):
    """The provider's settlement file for a tenant's period, matched against our payments
    and refunds."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched")
        MISMATCHED = "mismatched", _("Differences found")

    tenant = models.ForeignKey(Tenant, verbose_name=_("tenant"), on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(_("provider"), max_length=30)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("The first day after the period."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    provider_rows = models.PositiveIntegerField(_("provider's rows"), default=0)
    our_rows = models.PositiveIntegerField(_("our rows"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    mismatches = models.PositiveIntegerField(_("differences"), default=0)
    provider_total = models.BigIntegerField(_("provider's net of fees"), default=0)
    our_total = models.BigIntegerField(_("our net of fees"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.tenant_id} {self.period_start:%Y-%m-%d}"


class ReconciliationItem(models.Model):
    class Problem(models.TextChoices):
        MISSING_AT_PROVIDER = "missing_at_provider", _("Not in the provider's file")
        MISSING_HERE = "missing_here", _("Only in the provider's file")
        AMOUNT = "amount", _("Amounts differ")
        FEE = "fee", _("Fees differ")

    reconciliation = models.ForeignKey(Reconciliation, verbose_name=_("reconciliation"), on_delete=models.CASCADE,
                                       related_name="items")
    problem = models.CharField(_("problem"), max_length=20, choices=Problem.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=SettlementLine.Kind.choices)
    reference = models.CharField(_("reference"), max_length=100)
    our_amount = models.BigIntegerField(_("our amount"), null=True, blank=True)
    provider_amount = models.BigIntegerField(_("provider's amount"), null=True, blank=True)
    our_fee = models.BigIntegerField(_("our fee"), null=True, blank=True)
    provider_fee = models.BigIntegerField(_("provider's fee"), null=True, blank=True)

    class Meta:
        verbose_name = _("reconciliation difference")
        verbose_name_plural = _("reconciliation differences")
        ordering = ["reconciliation", "problem", "reference"]

    def __str__(self):
        return f"{self.problem} {self.reference}"
