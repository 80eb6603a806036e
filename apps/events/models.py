import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """A domain event in the outbox of the workspace it happened in: recorded in the same
    transaction as the change, then dispatched to each subscriber once."""

    public_id = models.UUIDField(_("event id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("event"), max_length=80, db_index=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    data = models.JSONField(_("data"))
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("dispatch attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["occurred_at"], condition=Q(dispatched_at__isnull=True),
                                name="events_event_pending")]

    def __str__(self):
        return f"{self.name} {self.public_id}"

    @property
    def message_id(self) -> str:
        """The id subscribers show outside (the Standard Webhooks `webhook-id`)."""
        return f"msg_{self.public_id.hex}"


class Receipt(models.Model):
    """A subscriber handled the event: written in the transaction of its handler, so an
    event is handled at most once per subscriber however often it is dispatched."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="receipts")
    subscriber = models.CharField(_("subscriber"), max_length=80)
    handled_at = models.DateTimeField(_("handled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="events_receipt_once")]

    def __str__(self):
        return f"{self.subscriber}: {self.event_id}"
