"""Feature flags (public schema). Evaluation: tenant override, then add-ons that enable
the flag, then the rules in order (first match wins), then the default."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Flag(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    description = models.TextField(_("description"))
    default_enabled = models.BooleanField(_("on by default"), default=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", limit_choices_to={"is_staff": True})
    expires_on = models.DateField(_("expires on"), null=True, blank=True,
                                  help_text=_("After this date the flag shows up as stale: remove it from the code."))
    permanent = models.BooleanField(_("permanent"), default=False,
                                    help_text=_("A lasting switch (e.g. a paid feature), never reported as stale."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("feature flag")
        verbose_name_plural = _("feature flags")
        ordering = ["key"]

    def __str__(self):
        return self.key


class FlagRule(models.Model):
    class Kind(models.TextChoices):
        TENANT = "tenant", _("Tenants (slugs)")
        PLAN = "plan", _("Plans (codes)")
        BUSINESS_TYPE = "business_type", _("Business types")
        ROLE = "role", _("Roles of the user (role keys)")
        PERCENTAGE = "percentage", _("Percentage of tenants")

    flag = models.ForeignKey(Flag, verbose_name=_("flag"), on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField(pgettext_lazy("sequence", "order"), default=0)
    kind = models.CharField(_("target"), max_length=20, choices=Kind.choices)
    values = models.CharField(_("values"), max_length=1000, blank=True,
                              help_text=_("Comma-separated, e.g. alpha, beta (not used for a percentage)."))
    percentage = models.PositiveIntegerField(_("percentage"), null=True, blank=True,
                                             validators=[MaxValueValidator(100)])
    enabled = models.BooleanField(_("turns the flag on"), default=True,
                                  help_text=_("Unticked: matching tenants get the flag off."))

    class Meta:
        verbose_name = _("targeting rule")
        verbose_name_plural = _("targeting rules")
        ordering = ["position", "id"]

    def __str__(self):
        if self.kind == self.Kind.PERCENTAGE:
            return f"{self.percentage}% -> {'on' if self.enabled else 'off'}"
        return f"{self.kind} in [{self.values}] -> {'on' if self.enabled else 'off'}"

    def value_list(self) -> list[str]:
        return [v.strip() for v in self.values.split(",") if v.strip()]

    def clean(self):
        if self.kind == self.Kind.PERCENTAGE and self.percentage is None:
            raise ValidationError({"percentage": _("Give the percentage of tenants (0-100).")})
        if self.kind != self.Kind.PERCENTAGE and not self.value_list():
            raise ValidationError({"values": _("Name at least one value to match.")})


class FlagOverride(models.Model):
    flag = models.ForeignKey(Flag, verbose_name=_("flag"), on_delete=models.CASCADE, related_name="overrides")
    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                               related_name="flag_overrides")
    enabled = models.BooleanField(_("on"), default=True)
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("tenant override")
        verbose_name_plural = _("tenant overrides")
        ordering = ["tenant__slug"]
        constraints = [models.UniqueConstraint(fields=["flag", "tenant"], name="flags_override_unique")]

    def __str__(self):
        return f"{self.flag.key} @ {self.tenant.slug}: {'on' if self.enabled else 'off'}"
