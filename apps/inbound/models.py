from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .registry import event_type_label, source_label


class InboundEvent(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        FAILED = "failed", _("Failed")
        REJECTED = "rejected", _("Rejected")

    source = models.CharField(_("source"), max_length=40, db_index=True)
    event_id = models.CharField(_("event id"), max_length=128, blank=True)
    event_type = models.CharField(_("event type"), max_length=100, blank=True, db_index=True)
    payload = models.JSONField(_("payload"), null=True, blank=True)
    raw_body = models.TextField(_("raw body"), blank=True, help_text=_("Kept when the body is not valid JSON."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED,
                              db_index=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound event")
        verbose_name_plural = _("inbound events")
        ordering = ["-received_at", "-id"]
        permissions = [("retry_inboundevent", _("Can retry inbound events"))]
        constraints = [
            # One accepted event per id and source: duplicates are ignored. Rejected
            # requests don't reserve the id (a forged request must not block the real one).
            models.UniqueConstraint(fields=["source", "event_id"], condition=~Q(status="rejected"),
                                    name="inbound_event_unique_accepted"),
        ]

    def __str__(self):
        return f"{self.source_label()} {self.event_type_label() or '?'} {self.event_id}"

    @admin.display(description=_("source"), ordering="source")
    def source_label(self) -> str:
        return source_label(self.source)

    @admin.display(description=_("event type"), ordering="event_type")
    def event_type_label(self) -> str:
        return event_type_label(self.source, self.event_type) if self.event_type else ""

    @property
    def data(self) -> dict:
        return (self.payload or {}).get("data") or {}
