"""A workspace's usage, one row per day (apps.billing.usage), and the usage alerts sent to
its owner (80% and 100% of a plan limit, once each per period)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UsageDay(models.Model):
    """What a workspace did on one day (the platform's time zone) and how much it stored
    when the day was collected. Written by the daily snapshot; a re-run rewrites the row."""

    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                               related_name="usage_days")
    day = models.DateField(_("day"))
    active_users = models.PositiveIntegerField(_("active users"), default=0)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    api_calls = models.PositiveBigIntegerField(_("API calls"), default=0)
    notifications = models.PositiveIntegerField(_("notifications sent"), default=0)
    webhook_deliveries = models.PositiveIntegerField(_("webhook deliveries"), default=0)
    database_bytes = models.PositiveBigIntegerField(_("database size"), default=0)
    media_bytes = models.PositiveBigIntegerField(_("stored files"), default=0)
    collected_at = models.DateTimeField(_("collected at"))

    class Meta:
        verbose_name = _("usage day")
        verbose_name_plural = _("usage days")
        ordering = ["-day"]
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="billing_usage_day_once")]

    def __str__(self):
        return f"{self.tenant_id} {self.day}"


class UsageAlert(models.Model):
    """An owner was told that a metered quantity reached `threshold` percent of its plan
    limit in `period` (the month for monthly limits, "" for standing ones such as staff):
    never twice."""

    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                               related_name="usage_alerts")
    limit_key = models.CharField(_("limit"), max_length=40)
    threshold = models.PositiveSmallIntegerField(_("threshold (%)"))
    period = models.CharField(_("period"), max_length=10, blank=True)
    used = models.PositiveBigIntegerField(_("used"))
    limit = models.PositiveBigIntegerField(_("limit value"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("usage alert")
        verbose_name_plural = _("usage alerts")
        ordering = ["-sent_at"]
        default_permissions = ("view",)
        constraints = [models.UniqueConstraint(fields=["tenant", "limit_key", "threshold", "period"],
                                               name="billing_usage_alert_once")]

    def __str__(self):
        return f"{self.limit_key} {self.threshold}% {self.period}"
