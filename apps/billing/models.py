from django.db import models
from django.utils.translation import gettext_lazy as _


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

    def __str__(self):
        return self.name
