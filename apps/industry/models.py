"""Industry templates (seeds/004 §11): what a new tenant of a business type starts with.
Versioned: editing a template publishes a new version; tenants keep the version they
were provisioned with. (Roles come from role templates, apps/roletemplates.)"""

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

BUSINESS_TYPES = [("academy", _("Academy")), ("food", _("Food service")), ("retail", _("Retail")),
                  ("service", _("Services"))]


class IndustryTemplate(models.Model):
    business_type = models.CharField(_("business type"), max_length=20, choices=BUSINESS_TYPES)
    version = models.PositiveIntegerField(_("version"), editable=False)
    name = models.CharField(_("name"), max_length=100)
    default_plan = models.ForeignKey("billing.Plan", verbose_name=_("default plan"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text=_("Used when the tenant signs up without choosing a plan."))
    default_flags = models.JSONField(_("default feature flags"), default=dict, blank=True,
                                     help_text=_('Flag key -> on/off for new tenants, e.g. {"kiosk": true}.'))
    sample_catalog = models.JSONField(_("sample catalog"), default=list, blank=True,
                                      help_text=_('Items to start with: '
                                                  '[{"name": ..., "name_ko": ..., "price": ...}].'))
    notification_templates = models.JSONField(
        _("notification templates"), default=list, blank=True,
        help_text=_('A list of messages per event and language: '
                    '[{"event": ..., "language": "ko", "channel": "email", "subject": ..., "body": ...}].'))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("industry template")
        verbose_name_plural = _("industry templates")
        ordering = ["business_type", "-version"]
        constraints = [models.UniqueConstraint(fields=["business_type", "version"], name="industry_template_version")]

    def __str__(self):
        return f"{self.get_business_type_display()} v{self.version}"

    @admin.display(description=_("name"), ordering="name")
    def display_name(self) -> str:
        """Names the platform ships ("Academy") in the reader's language; typed ones as typed."""
        return gettext(self.name)


class TemplateApplication(models.Model):
    """Which template version a tenant was provisioned with, and what it received."""

    tenant = models.OneToOneField("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                                  related_name="industry_template")
    template = models.ForeignKey(IndustryTemplate, verbose_name=_("template"), on_delete=models.PROTECT,
                                 related_name="applications")
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    result = models.JSONField(_("what was applied"), default=dict)

    class Meta:
        verbose_name = _("template application")
        verbose_name_plural = _("template applications")
        ordering = ["-applied_at"]

    def __str__(self):
        return f"{self.tenant.slug}: {self.template}"
