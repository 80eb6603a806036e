"""The ops portal's own public tables: Celery tasks that failed for good (apps.ops.failed_tasks)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FailedTask(models.Model):
    """A Celery task that failed after its retries (never one that will still be retried).

    Its arguments are shown masked (apps.core.logmask: no personal data or secrets in
    this table's readable columns); what "Retry" re-sends is kept encrypted
    (`payload_encrypted`, apps.core.secrets) and erased when the task is dismissed."""

    class Status(models.TextChoices):
        FAILED = "failed", _("Failed")
        RETRIED = "retried", _("Retried")
        DISMISSED = "dismissed", _("Dismissed")

    task_name = models.CharField(_("task"), max_length=200, db_index=True)
    task_id = models.CharField(_("task id"), max_length=64, unique=True,
                               help_text=_("The id of the run that failed first."))
    last_task_id = models.CharField(_("last task id"), max_length=64, blank=True, db_index=True,
                                    help_text=_("The id of the latest run (a retry from the portal runs anew)."))
    queue = models.CharField(_("queue"), max_length=100, blank=True)
    # A snapshot rather than a constraint: the record outlives a purged tenant.
    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    schema_name = models.CharField(_("schema"), max_length=63, blank=True)
    args_masked = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs_masked = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    payload_encrypted = models.TextField(_("encrypted arguments"), blank=True, editable=False)
    exception_type = models.CharField(_("error type"), max_length=200)
    exception_message = models.TextField(_("error message"), blank=True)
    traceback = models.TextField(_("traceback"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    first_failed_at = models.DateTimeField(_("first failed at"), db_index=True)
    last_failed_at = models.DateTimeField(_("last failed at"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.FAILED,
                              db_index=True)
    retried_at = models.DateTimeField(_("retried at"), null=True, blank=True)
    retried_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("retried by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    retry_count = models.PositiveIntegerField(_("retries from the portal"), default=0)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("dismissed by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-last_failed_at", "-id"]
        permissions = [("retry_failedtask", _("Can retry failed tasks")),
                       ("dismiss_failedtask", _("Can dismiss failed tasks"))]
        indexes = [models.Index(fields=["status", "last_failed_at"], name="ops_failedtask_status_idx")]

    def __str__(self):
        return f"{self.task_name} {self.task_id[:8]}"
