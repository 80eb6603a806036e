"""HQ-managed role templates per business type (public schema). Provisioning copies
them into a new tenant's roles; HQ-locked permissions stay as the template has them."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.authz import catalogue
from apps.authz.scopes import Scope
from apps.tenants.models import Tenant


class RoleTemplate(models.Model):
    business_type = models.CharField(_("business type"), max_length=20, choices=Tenant.BusinessType.choices)
    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    enabled_by_default = models.BooleanField(_("enabled by default"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("role template")
        verbose_name_plural = _("role templates")
        ordering = ["business_type", "position", "key"]
        constraints = [models.UniqueConstraint(fields=["business_type", "key"], name="roletemplate_unique_key")]

    def __str__(self):
        return f"{self.display_name} ({self.get_business_type_display()})"

    @property
    def display_name(self) -> str:
        """Names the platform ships ("Teacher") in the reader's language; typed ones as typed."""
        return gettext(self.name) if self.name else self.key


class RoleTemplatePermission(models.Model):
    template = models.ForeignKey(RoleTemplate, verbose_name=_("template"), on_delete=models.CASCADE,
                                 related_name="entries")
    permission = models.ForeignKey("auth.Permission", verbose_name=_("permission"), on_delete=models.CASCADE,
                                   related_name="+")
    granted = models.BooleanField(_("granted"), default=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.TENANT)
    locked = models.BooleanField(_("locked by HQ"), default=False,
                                 help_text=_("Tenants cannot change whether the role has this permission."))

    class Meta:
        verbose_name = _("template permission")
        verbose_name_plural = _("template permissions")
        constraints = [models.UniqueConstraint(fields=["template", "permission"], name="roletemplate_perm_unique")]

    def __str__(self):
        return f"{self.template}: {catalogue.permission_label(self.permission)}"
