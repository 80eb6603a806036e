"""From an event to messages.

`handle_event` is the events subscriber (registered in AppConfig.ready): for an event
with active templates it resolves each template audience's recipients
(apps.notifications.audiences), picks per recipient and channel the template in their
language (else the workspace's, else the platform's), leaves out what they may not or
cannot receive (marketing without their recorded consent, a channel they turned off, a
channel the workspace turned off, no address), renders it and records one Delivery,
due now or, for SMS and AlimTalk in the workspace's quiet hours, when they end. Due
deliveries are sent once the transaction commits (task `notifications.send`); the beat
task `notifications.send_due` sends what was held back or is due for a retry.

`delivery_send` sends one delivery: a failure is retried after each wait of
NOTIFICATIONS_RETRY_SECONDS (1, 5, 30 minutes, 2 hours), then fails for good; a
permanent failure (an invalid number) fails at once."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from phonenumber_field.phonenumber import PhoneNumber, to_python

from apps.consumers.models import Consent
from apps.core.mail import mail_language
from apps.core.schemas import across_schemas
from apps.events.catalogue import event_type_get
from apps.rbac.tenancy import current_tenant
from apps.workspace.services import workspace_settings_get

from .audiences import Recipient, recipients_for
from .channels import ChannelError, PhoneMessage, provider_for
from .channels.email import send_email
from .conf import setting
from .models import PHONE_CHANNELS, Channel, Delivery, Notification, NotificationTemplate, Preference
from .rendering import TemplateProblem, render

logger = logging.getLogger(__name__)
DUE = (Delivery.Status.QUEUED, Delivery.Status.RETRYING)


# --- Quiet hours ------------------------------------------------------------------------------


def _quiet_hours() -> tuple[time, time] | None:
    value = setting("NOTIFICATIONS_QUIET_HOURS")
    if not value:
        return None
    start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    return start, end


def quiet_hours_end(moment: datetime, time_zone: str) -> datetime | None:
    """When the quiet hours around `moment` end (aware), or None when `moment` is not in them."""
    hours = _quiet_hours()
    if hours is None:
        return None
    start, end = hours
    zone = ZoneInfo(time_zone or settings.TIME_ZONE)
    local = moment.astimezone(zone)
    now = local.time()
    quiet = (start <= now < end) if start < end else (now >= start or now < end)
    if not quiet:
        return None
    day = local.date() if now < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=zone)


# --- Recording deliveries ------------------------------------------------------------------------


def _marketing_consent(customer) -> bool:
    latest = Consent.objects.filter(customer=customer, kind=Consent.Kind.MARKETING).order_by("-recorded_at",
                                                                                           "-id").first()
    return bool(latest and latest.granted)


def _e164(value: str) -> str:
    number = to_python(value, region=settings.PHONENUMBER_DEFAULT_REGION) if value else None
    return number.as_e164 if isinstance(number, PhoneNumber) and number.is_valid() else ""


def _address(channel: str, recipient: Recipient) -> str | None:
    """Where the message goes on `channel`, or None when the recipient cannot get it there."""
    if channel == Channel.EMAIL:
        return recipient.email or None
    if channel in PHONE_CHANNELS:
        return _e164(recipient.phone) or None
    if channel == Channel.IN_APP:
        return f"user:{recipient.user.pk}" if recipient.user is not None else None
    return None


def _pick(templates: list[NotificationTemplate], languages: list[str]) -> NotificationTemplate | None:
    by_language = {template.language: template for template in templates}
    for language in languages:
        if language in by_language:
            return by_language[language]
    return templates[0] if templates else None


def handle_event(event) -> None:
    """The events subscriber: record the deliveries of `event` (runs inside its dispatch
    transaction, once per event)."""
    templates = list(NotificationTemplate.objects.filter(event=event.name, is_active=True))
    if not templates or event_type_get(event.name) is None:
        return
    workspace = workspace_settings_get()
    switched_off = {Channel.EMAIL} if not workspace.notify_email else set()
    if not workspace.notify_sms:
        switched_off |= set(PHONE_CHANNELS)
    brand_language = workspace.language
    now = timezone.now()
    created = []
    for audience in sorted({template.audience for template in templates}):
        mine = [template for template in templates if template.audience == audience]
        recipients = recipients_for(audience, event)
        preferences = {p.user_id: p for p in Preference.objects.filter(
            user_id__in=[r.user.pk for r in recipients if r.user is not None])}
        for recipient in recipients:
            languages = [mail_language(recipient.language or brand_language), brand_language, settings.LANGUAGE_CODE]
            preference = preferences.get(recipient.user.pk) if recipient.user is not None else None
            for channel in sorted({template.channel for template in mine} - switched_off):
                template = _pick([t for t in mine if t.channel == channel], languages)
                address = _address(channel, recipient)
                if template is None or address is None:
                    continue
                if preference is not None and not preference.allows(channel):
                    continue
                if template.is_marketing and (recipient.customer is None
                                              or not _marketing_consent(recipient.customer)):
                    continue
                created.append(_delivery(event, template, recipient, address, now=now,
                                         time_zone=workspace.timezone))
    due = [delivery.pk for delivery in created if delivery.status == Delivery.Status.QUEUED
           and delivery.next_attempt_at <= now]
    if due:
        schema_name = connection.schema_name
        transaction.on_commit(lambda: _send_later(schema_name, due))


def _delivery(event, template, recipient: Recipient, address: str, *, now, time_zone: str) -> Delivery:
    delivery = Delivery(event=event, event_name=event.name, template=template, channel=template.channel,
                        language=template.language, audience=recipient.audience, recipient_name=recipient.name[:150],
                        user=recipient.user, customer=recipient.customer, address=address[:254],
                        is_marketing=template.is_marketing, next_attempt_at=now)
    try:
        delivery.subject = render(template.subject, event.data, language=template.language,
                                  time_zone=time_zone)[:200]
        delivery.body = render(template.body, event.data, language=template.language, time_zone=time_zone)
    except TemplateProblem as problem:  # recorded as failed: the owner sees why in the admin
        delivery.status, delivery.last_error, delivery.failed_at = Delivery.Status.FAILED, problem.message, now
        delivery.next_attempt_at = None
    else:
        if template.channel in PHONE_CHANNELS:
            delivery.next_attempt_at = quiet_hours_end(now, time_zone) or now
    delivery.save()
    return delivery


def _send_later(schema_name: str, delivery_ids: list[int]) -> None:
    from .tasks import send_delivery

    with schema_context(schema_name):  # the task runs in this schema (tenant-schemas-celery)
        for delivery_id in delivery_ids:
            send_delivery.delay(delivery_id)


# --- Sending --------------------------------------------------------------------------------------


def _brand() -> str:
    workspace = workspace_settings_get()
    tenant = current_tenant()
    return workspace.display_name or (tenant.name if tenant is not None else "")


def _send(delivery: Delivery) -> str:
    if delivery.channel == Channel.EMAIL:
        return send_email(to=delivery.address, subject=delivery.subject, text=delivery.body,
                          language=delivery.language, brand=_brand())
    if delivery.channel == Channel.IN_APP:
        if delivery.user_id is None:
            raise ChannelError("no account to show it to", permanent=True)
        notification, _created = Notification.objects.get_or_create(
            delivery=delivery, defaults={"user_id": delivery.user_id, "event_name": delivery.event_name,
                                         "title": delivery.subject, "body": delivery.body})
        return f"notification-{notification.pk}"
    message = PhoneMessage(to=delivery.address, text=delivery.body, subject=delivery.subject,
                           provider_template=delivery.template.provider_template if delivery.template else "",
                           variables={})
    provider = provider_for(delivery.channel)
    if delivery.channel == Channel.ALIMTALK:
        return provider.send_alimtalk(message)
    return provider.send_sms(message)


def delivery_send(*, delivery_id: int) -> Delivery | None:
    """Send one due delivery (row-locked: a second task for it skips). None when it is not
    due (sent already, failed for good, waiting for quiet hours or its retry)."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",)).select_related("template")
                    .filter(pk=delivery_id, status__in=DUE, next_attempt_at__lte=now).first())
        if delivery is None:
            return None
        delivery.attempts += 1
        try:
            delivery.provider_message_id = _send(delivery)[:100]
        except ChannelError as error:
            _failed(delivery, error, now=now)
        else:
            delivery.status, delivery.sent_at, delivery.next_attempt_at = Delivery.Status.SENT, now, None
            delivery.last_error = ""
        delivery.save(update_fields=["attempts", "provider_message_id", "status", "sent_at", "next_attempt_at",
                                     "last_error", "failed_at"])
    return delivery


def _failed(delivery: Delivery, error: ChannelError, *, now) -> None:
    waits = list(setting("NOTIFICATIONS_RETRY_SECONDS"))
    delivery.last_error = error.reason[:2000]
    if error.permanent or delivery.attempts > len(waits):
        delivery.status, delivery.failed_at, delivery.next_attempt_at = Delivery.Status.FAILED, now, None
        logger.warning("delivery %s failed for good: %s", delivery.pk, error.reason)
        return
    delivery.status = Delivery.Status.RETRYING
    delivery.next_attempt_at = now + timedelta(seconds=waits[delivery.attempts - 1])


def delivery_retry(*, delivery: Delivery, actor=None) -> Delivery:
    """Staff send a failed delivery again now (a fixed address, a provider back up)."""
    from apps.audit.services import audit_record

    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.RETRYING, next_attempt_at=timezone.now(), failed_at=None)
        if updated:
            audit_record(action="notification_delivery.retried", actor=actor, target=delivery,
                         tenant=current_tenant(), metadata={"attempts": delivery.attempts})
            schema_name = connection.schema_name
            transaction.on_commit(lambda: _send_later(schema_name, [delivery.pk]))
    delivery.refresh_from_db()
    return delivery


# --- The beat: what is due in every schema ----------------------------------------------------------



def schemas_with_due(*, now=None) -> list[str]:
    """Schemas with a delivery due, one query per 200 schemas (no per-tenant round trip)."""
    rows = across_schemas("notifications_delivery", "1 FROM {table} WHERE status IN ('queued', 'retrying') "
                                                    "AND next_attempt_at <= %s LIMIT 1", [now or timezone.now()])
    return [schema for schema, _one in rows]


def deliveries_send_due(*, limit: int = 500) -> dict[str, int]:
    """{schema: deliveries handed to the send task} for every schema with deliveries due."""
    queued = {}
    for schema in schemas_with_due():
        with schema_context(schema):
            ids = list(Delivery.objects.filter(status__in=DUE, next_attempt_at__lte=timezone.now())
                       .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
        _send_later(schema, ids)
        queued[schema] = len(ids)
    return queued
