"""A tenant's subscription, the promo codes and add-ons on it, and add-on requests."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalog import AddOn, Plan
from .promos import PromoCode


class Subscription(models.Model):
    """The one subscription of a tenant, and the one owner of the tenant's plan: limits,
    flags and invoices read the plan here (`selectors.plan_for`)."""

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
