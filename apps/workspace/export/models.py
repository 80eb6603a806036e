"""One export of the workspace's data (or of one customer's): who asked, its state, and
where its file is (under settings.EXPORTS_ROOT/<schema>/, never under MEDIA_ROOT: it is
served only through a signed, expiring link)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataExport(models.Model):
    class Kind(models.TextChoices):
        WORKSPACE = "workspace", _("Whole workspace")
        PERSONAL = "personal", _("One customer's personal data")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WORKSPACE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    # The customer of a personal export (a plain id: the workspace app sits below crm).
    subject_id = models.BigIntegerField(_("customer id"), null=True, blank=True)
    subject_repr = models.CharField(_("customer"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64, blank=True)
    row_counts = models.JSONField(_("rows per dataset"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-id"]
        # `workspace:export` in the permission catalogue (apps.authz.catalogue); the table's
        # own add/change/delete/view rights are hidden there: they come with this one.
        permissions = [("export_workspace", _("Can export all of the workspace's data"))]

    def __str__(self):
        when = self.created_at.strftime("%Y-%m-%d %H:%M") if self.created_at else ""
        if self.kind == self.Kind.PERSONAL:
            return f"{self.get_kind_display()}: {self.subject_repr} {when}".strip()
        return f"{self.get_kind_display()} {when}".strip()

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values()) if isinstance(self.row_counts, dict) else 0
