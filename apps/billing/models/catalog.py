"""The plan catalog: plans, their price versions, add-ons."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..limits import LIMITS

LIMIT_CHOICES = [(key, label) for key, (_field, label) in LIMITS.items()]


class LocalizedName:
    """`display_name`: the name in the reader's language (the Korean name when there is one)."""

    @property
    def display_name(self) -> str:
        if (translation.get_language() or "").startswith("ko") and self.name_ko:
            return self.name_ko
        return self.name


class Plan(LocalizedName, models.Model):
    """A plan in the catalog. Limits: empty means unlimited. Prices and commission are
    versioned separately (effective dates)."""

    class Period(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        YEARLY = "yearly", _("Yearly")

    class SettlementCycle(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_ko = models.CharField(_("name (Korean)"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("available"), default=True)
    self_signup = models.BooleanField(_("self sign-up allowed"), default=False,
                                      help_text=_("Tenants may sign up on this plan without HQ approval."))
    billing_period = models.CharField(_("billing period"), max_length=10, choices=Period.choices,
                                      default=Period.MONTHLY)
    # How often the tenant's sales are settled (apps.settlement); a contract may say otherwise.
    settlement_cycle = models.CharField(_("settlement cycle"), max_length=10, choices=SettlementCycle.choices,
                                        default=SettlementCycle.MONTHLY,
                                        help_text=_("How often tenants on this plan are paid their sales, "
                                                    "less the platform's commission and fees."))
    trial_days = models.PositiveIntegerField(_("trial days"), default=0)
    max_staff_users = models.PositiveIntegerField(_("staff users"), null=True, blank=True)
    max_branches = models.PositiveIntegerField(_("branches"), null=True, blank=True)
    api_requests_per_minute = models.PositiveIntegerField(_("API requests per minute"), null=True, blank=True)
    api_requests_per_month = models.PositiveIntegerField(_("API requests per month"), null=True, blank=True)
    storage_mb = models.PositiveIntegerField(_("storage (MB)"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(pgettext_lazy("sequence", "order"), default=0)

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


class AddOn(LocalizedName, models.Model):
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
