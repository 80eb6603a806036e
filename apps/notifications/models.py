"""Notifications of a workspace (tenant schema): the message templates per event,
audience, channel and language; one delivery per recipient and channel; the in-app
notifications people read; each person's channel preferences; and what the sandbox
SMS / Kakao provider would have sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    ALIMTALK = "alimtalk", _("Kakao AlimTalk")
    IN_APP = "in_app", _("In-app")


PHONE_CHANNELS = (Channel.SMS, Channel.ALIMTALK)


class NotificationTemplate(models.Model):
    """What recipients of one audience of an event read on one channel in one language.
    Subject and body are sandboxed Jinja templates with the event's data as their
    context (apps.notifications.rendering)."""

    event = models.CharField(_("event"), max_length=80, db_index=True)
    audience = models.CharField(_("audience"), max_length=30, default="customer",
                                help_text=_("Who receives it: the customer the event is about, the owner, "
                                            "or the staff."))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200, blank=True,
                               help_text=_("The e-mail subject or the in-app title; not sent by SMS."))
    body = models.TextField(_("body"))
    is_marketing = models.BooleanField(
        _("marketing"), default=False,
        help_text=_("Marketing messages go only to customers who agreed to receive them."))
    is_active = models.BooleanField(_("active"), default=True)
    provider_template = models.CharField(
        _("provider template code"), max_length=100, blank=True,
        help_text=_("Kakao AlimTalk: the code of the template approved by Kakao; the body must match it."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["event", "audience", "channel", "language"]
        constraints = [models.UniqueConstraint(fields=["event", "audience", "channel", "language"],
                                               name="notifications_template_unique")]

    def __str__(self):  # in titles and breadcrumbs: what a person reads
        from apps.events.catalogue import event_label

        return f"{event_label(self.event)} · {self.get_channel_display()} · {self.get_language_display()}"


class Delivery(models.Model):
    """One message to one recipient on one channel, rendered when the event came in."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RETRYING = "retrying", _("Retrying")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey("events.Event", verbose_name=_("event"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    event_name = models.CharField(_("event"), max_length=80, db_index=True)
    template = models.ForeignKey(NotificationTemplate, verbose_name=_("template"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10)
    audience = models.CharField(_("audience"), max_length=30)
    recipient_name = models.CharField(_("recipient"), max_length=150, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    customer = models.ForeignKey("crm.Customer", verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(_("address"), max_length=254, blank=True,
                               help_text=_("The e-mail address or phone number it goes to."))
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    is_marketing = models.BooleanField(_("marketing"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # Leases (apps.notifications.dispatch): a send task is queued for it until `queued_until`
    # (the sweep leaves it alone); a worker is sending it until `claimed_until` (nobody else may).
    queued_until = models.DateTimeField(_("queued until"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    last_error = models.TextField(_("reason of the last failure"), blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)  # written by the dispatcher only
        permissions = [("retry_delivery", _("Can retry failed deliveries"))]
        indexes = [models.Index(fields=["next_attempt_at"], condition=Q(status__in=["queued", "retrying"]),
                                name="notifications_delivery_due"),
                   models.Index(fields=["claimed_until"], condition=Q(status="sending"),
                                name="notifications_delivery_sending")]

    def __str__(self):
        from apps.events.catalogue import event_label

        return f"{event_label(self.event_name)} → {self.recipient_name or self.address} ({self.get_channel_display()})"


class Notification(models.Model):
    """An in-app notification: what a person sees in the app, until they read it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    delivery = models.OneToOneField(Delivery, verbose_name=_("delivery"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="notification")
    event_name = models.CharField(_("event"), max_length=80)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        default_permissions = ()  # each person's own, through /api/v1/my/notifications/
        indexes = [models.Index(fields=["user", "-id"]),
                   models.Index(fields=["user"], condition=Q(read_at__isnull=True),
                                name="notifications_unread")]

    def __str__(self):
        return self.title or self.event_name


class Preference(models.Model):
    """The channels a person wants to hear from this workspace on (no row: all of them)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.DO_NOTHING,
                                db_constraint=False, related_name="+")
    email = models.BooleanField(_("e-mail"), default=True)
    sms = models.BooleanField(_("SMS"), default=True)
    alimtalk = models.BooleanField(_("Kakao AlimTalk"), default=True)
    in_app = models.BooleanField(_("in-app"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        default_permissions = ()  # each person's own, through /api/v1/my/notification-preferences/

    def __str__(self):
        return str(self.user_id)

    def allows(self, channel: str) -> bool:
        return bool(getattr(self, channel, True))


class SandboxMessage(models.Model):
    """What the sandbox SMS / Kakao provider was asked to send (nothing leaves the platform)."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(_("to"), max_length=40)
    sender = models.CharField(_("from"), max_length=40, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    provider_template = models.CharField(_("provider template code"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox message")
        verbose_name_plural = _("sandbox messages")
        ordering = ["-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.get_channel_display()} → {self.to}"
