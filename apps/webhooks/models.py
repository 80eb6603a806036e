"""Outbound webhooks (Standard Webhooks): the workspace's endpoints, the secrets they are
signed with, one delivery per event and endpoint, and every attempt at it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .outbound import url_redacted


class WebhookEndpoint(models.Model):
    """A URL of the workspace's own systems that receives the events it subscribed to
    (`events` empty: every event)."""

    class DisabledReason(models.TextChoices):
        FAILING = "failing", _("Failing for days")
        GONE = "gone", _("The endpoint answered 410 Gone")

    url = models.CharField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=500, blank=True)
    events = models.JSONField(_("events"), default=list, blank=True,
                              help_text=_("Event names it receives; none chosen: every event."))
    uses_workspace_secret = models.BooleanField(
        _("signed with the workspace secret"), default=False,
        help_text=_("Sign with the workspace's signing secret instead of a secret of its own."))
    # After a rotation away from the workspace secret, it keeps signing until then.
    workspace_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True, editable=False)
    disabled_reason = models.CharField(_("why disabled"), max_length=20, choices=DisabledReason.choices,
                                       blank=True, editable=False)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True, editable=False)
    warned_at = models.DateTimeField(_("owner warned at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-id"]

    def __str__(self):  # in audit rows and messages: without the query's values (tokens live there)
        return url_redacted(self.url)

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    def wants(self, event_name: str) -> bool:
        return not self.events or event_name in self.events


class SigningSecret(models.Model):
    """A `whsec_<base64>` secret, encrypted at rest (apps.webhooks.secrets). `endpoint`
    empty: the workspace's signing secret, for endpoints without one of their own. A
    rotated-out secret keeps signing until `expires_at` (both signatures are sent)."""

    endpoint = models.ForeignKey(WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="secrets")
    encrypted = models.TextField(editable=False)
    hint = models.CharField(_("secret"), max_length=20, editable=False)  # whsec_...abcd
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("signs until"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("shown at"), null=True, blank=True)

    class Meta:
        default_permissions = ()  # managed through the endpoints' permissions
        verbose_name = _("signing secret")
        verbose_name_plural = _("signing secrets")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.hint


class Delivery(models.Model):
    """One event for one endpoint: the same `webhook-id` (the event's message id) on every
    attempt and replay. Due while pending and `next_attempt_at` has passed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)  # in the current round
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    # A task for it is queued (beat leaves it alone until then) / an attempt is under way
    # (no second one starts until then): leases that a lost task or a dead worker let lapse.
    queued_until = models.DateTimeField(null=True, blank=True, editable=False)
    in_flight_until = models.DateTimeField(null=True, blank=True, editable=False)
    # A replay asked for it while an attempt was under way: that attempt is recorded, then
    # a new round starts (never two requests at once, and no result of it is lost).
    resend_after_attempt = models.BooleanField(default=False, editable=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        default_permissions = ()
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="webhooks_delivery_once")]
        indexes = [models.Index(fields=["next_attempt_at"], condition=Q(status="pending"),
                                name="webhooks_delivery_due")]

    def __str__(self):
        return f"{self.event_id} -> {self.endpoint_id}"


class Attempt(models.Model):
    """One HTTP request of a delivery, as it went."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField(_("attempted at"))
    url = models.CharField(_("URL"), max_length=2000)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    response_body = models.TextField(_("response"), blank=True)  # the first ~2 KB
    error = models.CharField(_("error"), max_length=500, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    will_retry = models.BooleanField(_("will be retried"), default=False)

    class Meta:
        default_permissions = ()
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-id"]
        indexes = [models.Index(fields=["endpoint", "-id"], name="webhooks_attempt_endpoint")]

    def __str__(self):
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"
