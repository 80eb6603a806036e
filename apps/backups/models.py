"""Backups of one tenant (its schema, its public rows, its media) and restores of them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """What backups and restores share: who asked, how far along, how it ended."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    # Progress while running lives in Redis (a restore runs in one transaction nobody else
    # sees); these are the totals written at the start and at the end.
    tables_total = models.PositiveIntegerField(_("tables"), default=0)
    tables_done = models.PositiveIntegerField(_("tables done"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Backup(Job):
    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manual")
        SCHEDULED = "scheduled", _("Scheduled")
        PRE_RESTORE = "pre_restore", _("Before a restore")

    # The file outlives a purged tenant's row only as long as retention keeps it.
    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), on_delete=models.CASCADE,
                               related_name="backups")
    tenant_slug = models.CharField(_("tenant slug"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MANUAL, db_index=True)
    path = models.CharField(_("file"), max_length=500, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    # Row counts, media files and migration state (the manifest's summary, not its checksums).
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("backup")
        verbose_name_plural = _("backups")
        ordering = ["-created_at", "-id"]
        permissions = [("manage_backup", _("Can back up and restore tenants"))]

    def __str__(self):
        return f"{self.tenant_slug} {self.created_at:%Y-%m-%d %H:%M} ({self.get_kind_display()})"


class Restore(Job):
    """A restore of a backup file into its own tenant, or into a new tenant (a copy)."""

    backup = models.ForeignKey(Backup, verbose_name=_("backup"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="restores")
    path = models.CharField(_("file"), max_length=500)
    # The tenant restored into (the new one for a copy); set once known.
    tenant = models.ForeignKey("tenants.Tenant", verbose_name=_("tenant"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="restores")
    source_slug = models.CharField(_("backed-up tenant"), max_length=40)
    as_slug = models.CharField(_("copy's slug"), max_length=40, blank=True)
    pre_restore_backup = models.ForeignKey(Backup, verbose_name=_("backup taken first"), null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("restore")
        verbose_name_plural = _("restores")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        target = self.as_slug or self.source_slug
        return f"{self.source_slug} -> {target} {self.created_at:%Y-%m-%d %H:%M}"
