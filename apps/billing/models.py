from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .limits import LIMITS

LIMIT_CHOICES = [(key, label) for key, (_field, label) in LIMITS.items()]


class Plan(models.Model):
    """A plan in the catalog. Limits: empty means unlimited. Prices and commission are
    versioned separately (effective dates)."""

    class Period(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        YEARLY = "yearly", _("Yearly")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_ko = models.CharField(_("name (Korean)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("available"), default=True)
    self_signup = models.BooleanField(_("self sign-up allowed"), default=False,
                                      help_text=_("Tenants may sign up on this plan without HQ approval."))
    billing_period = models.CharField(_("billing period"), max_length=10, choices=Period.choices,
                                      default=Period.MONTHLY)
    trial_days = models.PositiveIntegerField(_("trial days"), default=0)
    max_staff_users = models.PositiveIntegerField(_("staff users"), null=True, blank=True)
    max_branches = models.PositiveIntegerField(_("branches"), null=True, blank=True)
    api_requests_per_minute = models.PositiveIntegerField(_("API requests per minute"), null=True, blank=True)
    api_requests_per_month = models.PositiveIntegerField(_("API requests per month"), null=True, blank=True)
    storage_mb = models.PositiveIntegerField(_("storage (MB)"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["sort_order", "code"]
        permissions = [("change_pricing", _("Can change plan prices and commission"))]

    def __str__(self):
        return self.name


class PlanPrice(models.Model):
    """A price and commission version of a plan, in force from `effective_from` until the
    next version. Never edited: a change is a new version (history is kept)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="prices")
    amount = models.DecimalField(_("price per period"), max_digits=12, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    commission_rate = models.DecimalField(_("commission rate (%)"), max_digits=5, decimal_places=2,
                                          default=Decimal("0"),
                                          validators=[MinValueValidator(Decimal("0")),
                                                      MaxValueValidator(Decimal("100"))],
                                          help_text=_("Platform commission on the tenant's sales, in percent."))
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan price")
        verbose_name_plural = _("plan prices")
        ordering = ["plan", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["plan", "effective_from"], name="billing_price_unique_date")]

    def __str__(self):
        return f"{self.plan.code} {self.amount} {self.currency} @ {self.effective_from}"


class AddOn(models.Model):
    """Something a tenant can add to its plan: more of a limit, or a feature."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_ko = models.CharField(_("name (Korean)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("price per period"), max_digits=12, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default="KRW")
    limit_key = models.CharField(_("raises limit"), max_length=40, choices=LIMIT_CHOICES, blank=True)
    limit_increase = models.PositiveIntegerField(_("by"), default=0)
    feature_flag = models.CharField(_("enables feature flag"), max_length=80, blank=True,
                                    help_text=_("Key of a feature flag switched on for tenants with this add-on."))
    is_active = models.BooleanField(_("available"), default=True)

    class Meta:
        verbose_name = _("add-on")
        verbose_name_plural = _("add-ons")
        ordering = ["code"]

    def __str__(self):
        return self.name


class PromoCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percent off")
        FIXED = "fixed", _("Fixed amount off")

    class Duration(models.TextChoices):
        ONCE = "once", _("First period only")
        REPEATING = "repeating", _("A number of periods")
        FOREVER = "forever", _("Forever")

    code = models.CharField(_("code"), max_length=40, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01"))],
                                help_text=_("Percent (1-100) or an amount in the plan's currency."))
    duration = models.CharField(_("duration"), max_length=10, choices=Duration.choices, default=Duration.ONCE)
    duration_periods = models.PositiveIntegerField(_("periods"), null=True, blank=True,
                                                   help_text=_("For \"a number of periods\" only."))
    expires_at = models.DateTimeField(_("redeemable until"), null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(_("max redemptions"), null=True, blank=True)
    times_redeemed = models.PositiveIntegerField(_("times redeemed"), default=0, editable=False)
    plans = models.ManyToManyField(Plan, verbose_name=_("only for plans"), blank=True, related_name="+",
                                   help_text=_("Empty: every plan."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        ordering = ["code"]

    def __str__(self):
        return self.code

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.kind == self.Kind.PERCENT and self.value is not None and self.value > 100:
            raise ValidationError({"value": _("A percentage cannot be more than 100.")})
        if self.duration == self.Duration.REPEATING and not self.duration_periods:
            raise ValidationError({"duration_periods": _("Say for how many periods the discount applies.")})


class Subscription(models.Model):
    """The one subscription of a tenant."""

    class Status(models.TextChoices):
        TRIALING = "trialing", _("Trialing")
        INCOMPLETE = "incomplete", _("Awaiting first payment")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Past due")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    tenant = models.OneToOneField("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                                  related_name="subscription")
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, db_index=True)
    promo = models.ForeignKey(PromoCode, verbose_name=_("promo code"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="subscriptions")
    promo_periods_used = models.PositiveIntegerField(_("discounted periods so far"), default=0)
    current_period_start = models.DateField(_("current period start"))
    current_period_end = models.DateField(_("current period end"))
    trial_ends_on = models.DateField(_("trial ends on"), null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=80, blank=True,
                                      help_text=_("The provider's saved payment method, charged on renewal."))
    credit = models.DecimalField(_("credit"), max_digits=12, decimal_places=2, default=Decimal("0"),
                                 help_text=_("Owed to the tenant (e.g. from a downgrade); taken off the next invoice."))
    past_due_since = models.DateTimeField(_("past due since"), null=True, blank=True)
    dunning_attempts = models.PositiveIntegerField(_("payment retries"), default=0)
    next_retry_at = models.DateTimeField(_("next payment retry"), null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["tenant__slug"]

    def __str__(self):
        return f"{self.tenant.slug}: {self.plan.code} ({self.get_status_display()})"


class PromoRedemption(models.Model):
    """A promo code applied to a subscription: each code at most once per subscription."""

    subscription = models.ForeignKey(Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE,
                                     related_name="promo_redemptions")
    promo = models.ForeignKey(PromoCode, verbose_name=_("promo code"), on_delete=models.PROTECT,
                              related_name="redemptions")
    redeemed_at = models.DateTimeField(_("redeemed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promo redemption")
        verbose_name_plural = _("promo redemptions")
        ordering = ["-redeemed_at"]
        constraints = [models.UniqueConstraint(fields=["subscription", "promo"],
                                               name="billing_promo_redemption_unique")]

    def __str__(self):
        return f"{self.promo_id} on {self.subscription_id}"


class SubscriptionAddOn(models.Model):
    subscription = models.ForeignKey(Subscription, verbose_name=_("subscription"), on_delete=models.CASCADE,
                                     related_name="addons")
    addon = models.ForeignKey(AddOn, verbose_name=_("add-on"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscribed add-on")
        verbose_name_plural = _("subscribed add-ons")
        ordering = ["addon__code"]
        constraints = [models.UniqueConstraint(fields=["subscription", "addon"], name="billing_sub_addon_unique")]

    def __str__(self):
        return f"{self.addon} x {self.quantity}"


class AddOnRequest(models.Model):
    """A tenant owner's request for an add-on; HQ approves or rejects it in the portal."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                               related_name="addon_requests")
    addon = models.ForeignKey(AddOn, verbose_name=_("add-on"), on_delete=models.PROTECT, related_name="requests")
    quantity = models.PositiveIntegerField(_("quantity"), default=1,
                                           validators=[MinValueValidator(1), MaxValueValidator(100)])
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("add-on request")
        verbose_name_plural = _("add-on requests")
        ordering = ["-requested_at"]
        permissions = [("decide_addonrequest", _("Can approve or reject add-on requests"))]

    def __str__(self):
        return f"{self.tenant.slug}: {self.addon.code} x {self.quantity}"


class InvoiceSequence(models.Model):
    """The last invoice number used in a year (invoices are numbered 1, 2, ... per year)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)


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
