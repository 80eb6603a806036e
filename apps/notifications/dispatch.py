"""From an event to messages.

`handle_event` is the events subscriber (registered in AppConfig.ready): for an event
with active templates it resolves each template audience's recipients
(apps.notifications.audiences), picks per recipient and channel the template in their
language (else the workspace's, else the platform's), leaves out what they may not or
cannot receive (marketing without their recorded consent, a channel they turned off, a
channel the workspace turned off, no address), and records one Delivery each (each
template rendered once, the deliveries written in one statement), due now or, for
marketing by SMS and AlimTalk in the workspace's quiet hours (advertising may not be
sent at night), when they end; an order's "ready" SMS goes at once whatever the time.
Due deliveries are sent once the transaction commits (task `notifications.send`); the
beat task `notifications.send_due` sends what was held back, is due for a retry or
whose task was lost.

`delivery_send` sends one delivery: it claims it first (status `sending` until
`claimed_until`, committed), sends outside any transaction, then records the result if
its claim still holds. A worker that dies mid-send leaves the claim to expire; the
delivery is then tried again, counted as an attempt, so it is never resent forever. A
failure is retried after each wait of NOTIFICATIONS_RETRY_SECONDS (1, 5, 30 minutes,
2 hours; a marketing SMS whose retry falls in quiet hours waits until they end), then
fails for good; a permanent failure (an invalid number) fails at once. A queued task
holds `queued_until`, so the sweep does not queue the same delivery again meanwhile."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
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
from .metrics import NOTIFICATION_ATTEMPTS
from .models import PHONE_CHANNELS, Channel, Delivery, Notification, NotificationTemplate, Preference
from .rendering import TemplateProblem, render

logger = logging.getLogger(__name__)
DUE = (Delivery.Status.QUEUED, Delivery.Status.RETRYING)
QUEUE_LEASE = timedelta(minutes=2)  # a queued task that has not started by then is queued again by the sweep
SEND_LEASE = timedelta(minutes=5)  # longer than any provider's timeout: a send under way is never claimed twice


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


def _held_until(*, channel: str, is_marketing: bool, moment: datetime, time_zone: str | None = None) -> datetime | None:
    """When a message due at `moment` may go, if later: marketing by SMS / AlimTalk waits
    for the end of the quiet hours (in the workspace's time zone unless given); everything
    else goes when due."""
    if not is_marketing or channel not in PHONE_CHANNELS:
        return None
    return quiet_hours_end(moment, time_zone or workspace_settings_get().timezone)


# --- Recording deliveries ------------------------------------------------------------------------


def _marketing_consents(customer_ids: set[int]) -> set[int]:
    """The customers among `customer_ids` whose latest marketing answer is yes (one query)."""
    if not customer_ids:
        return set()
    latest = (Consent.objects.filter(customer_id__in=customer_ids, kind=Consent.Kind.MARKETING)
              .order_by("customer_id", "-recorded_at", "-id").distinct("customer_id")
              .values_list("customer_id", "granted"))
    return {customer_id for customer_id, granted in latest if granted}


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


def _rendered(template: NotificationTemplate, data: dict, time_zone: str) -> tuple[str, str, str]:
    """(subject, body, problem): the context is the event's data only, so once per template."""
    try:
        subject = render(template.subject, data, language=template.language, time_zone=time_zone)[:200]
        body = render(template.body, data, language=template.language, time_zone=time_zone)
    except TemplateProblem as problem:
        return "", "", problem.message
    return subject, body, ""


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
    audiences = {audience: recipients_for(audience, event)
                 for audience in sorted({template.audience for template in templates})}
    everyone = [recipient for recipients in audiences.values() for recipient in recipients]
    preferences = {p.user_id: p for p in Preference.objects.filter(
        user_id__in=[r.user.pk for r in everyone if r.user is not None])}
    consented = _marketing_consents({r.customer.pk for r in everyone if r.customer is not None}
                                    if any(template.is_marketing for template in templates) else set())
    rendered: dict[int, tuple[str, str, str]] = {}
    rows = []
    for audience, recipients in audiences.items():
        mine = [template for template in templates if template.audience == audience]
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
                if template.is_marketing and (recipient.customer is None or recipient.customer.pk not in consented):
                    continue
                if template.pk not in rendered:
                    rendered[template.pk] = _rendered(template, event.data, workspace.timezone)
                rows.append(_delivery(event, template, recipient, address, rendered[template.pk], now=now,
                                      time_zone=workspace.timezone))
    created = Delivery.objects.bulk_create(rows)
    due = [delivery.pk for delivery in created if delivery.queued_until is not None]
    if due:
        schema_name = connection.schema_name
        transaction.on_commit(lambda: _send_later(schema_name, due), robust=True)


def _delivery(event, template, recipient: Recipient, address: str, rendered: tuple[str, str, str], *, now,
              time_zone: str) -> Delivery:
    """The delivery (not saved yet): failed when the template does not render (the owner
    sees why in the admin), queued for now (a task is queued for it: `queued_until`) or
    for the end of the quiet hours."""
    subject, body, problem = rendered
    delivery = Delivery(event=event, event_name=event.name, template=template, channel=template.channel,
                        language=template.language, audience=recipient.audience, recipient_name=recipient.name[:150],
                        user=recipient.user, customer=recipient.customer, address=address[:254],
                        is_marketing=template.is_marketing, subject=subject, body=body, next_attempt_at=now)
    if problem:
        delivery.status, delivery.last_error, delivery.failed_at = Delivery.Status.FAILED, problem, now
        delivery.next_attempt_at = None
        return delivery
    held = _held_until(channel=template.channel, is_marketing=template.is_marketing, moment=now, time_zone=time_zone)
    if held is not None:
        delivery.next_attempt_at = held
    else:
        delivery.queued_until = now + QUEUE_LEASE
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


def _claimable(now) -> Q:
    """Due, or claimed by a worker whose claim ran out (it died mid-send)."""
    return (Q(status__in=DUE, next_attempt_at__lte=now)
            | Q(status=Delivery.Status.SENDING, claimed_until__lt=now))


def _claim(delivery_id: int, now) -> Delivery | None:
    """Mark the delivery as being sent by this worker (committed before anything is sent),
    counting the attempt; None when it is not for this worker to send now."""
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",)).select_related("template")
                    .filter(_claimable(now), pk=delivery_id).first())
        if delivery is None:
            return None
        interrupted = delivery.status == Delivery.Status.SENDING
        held = _held_until(channel=delivery.channel, is_marketing=delivery.is_marketing, moment=now)
        if held is not None:  # a late task or a lost claim in the quiet hours: wait for their end
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.RETRYING if interrupted else delivery.status, next_attempt_at=held,
                queued_until=None, claimed_until=None)
            return None
        if interrupted and delivery.attempts > len(setting("NOTIFICATIONS_RETRY_SECONDS")):
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED, failed_at=now, next_attempt_at=None, claimed_until=None,
                queued_until=None, last_error="the sending was interrupted; it may or may not have been sent")
            return None
        delivery.status, delivery.attempts, delivery.claimed_until = Delivery.Status.SENDING, delivery.attempts + 1, \
            now + SEND_LEASE
        delivery.save(update_fields=["status", "attempts", "claimed_until"])
    return delivery


def delivery_send(*, delivery_id: int) -> Delivery | None:
    """Send one due delivery: claimed (committed) first, sent outside any transaction,
    the result recorded while the claim holds. None when it is not due (sent already,
    failed for good, being sent by another worker, waiting for quiet hours or its retry)."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    claim = delivery.claimed_until
    try:
        delivery.provider_message_id = _send(delivery)[:100]
    except ChannelError as error:
        _failed(delivery, error, now=timezone.now())
    except Exception as error:  # noqa: BLE001 - a bug or an unexpected provider error: retried, never left claimed
        logger.exception("delivery %s: unexpected error while sending", delivery.pk)
        _failed(delivery, ChannelError(f"{type(error).__name__}: {error}"[:500]), now=timezone.now())
    else:
        delivery.status, delivery.sent_at, delivery.next_attempt_at = Delivery.Status.SENT, timezone.now(), None
        delivery.last_error = ""
    delivery.claimed_until = delivery.queued_until = None
    recorded = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING, claimed_until=claim).update(
        provider_message_id=delivery.provider_message_id, status=delivery.status, sent_at=delivery.sent_at,
        next_attempt_at=delivery.next_attempt_at, last_error=delivery.last_error, failed_at=delivery.failed_at,
        claimed_until=None, queued_until=None)
    if not recorded:  # the claim ran out meanwhile and another worker took it: its record counts
        logger.warning("delivery %s: claim expired before the result was recorded", delivery.pk)
        delivery.refresh_from_db()
    else:
        NOTIFICATION_ATTEMPTS.labels(channel=delivery.channel, outcome=delivery.status).inc()
    return delivery


def _failed(delivery: Delivery, error: ChannelError, *, now) -> None:
    waits = list(setting("NOTIFICATIONS_RETRY_SECONDS"))
    delivery.last_error = error.reason[:2000]
    if error.permanent or delivery.attempts > len(waits):
        delivery.status, delivery.failed_at, delivery.next_attempt_at = Delivery.Status.FAILED, now, None
        logger.warning("delivery %s failed for good: %s", delivery.pk, error.reason)
        return
    delivery.status = Delivery.Status.RETRYING
    retry_at = now + timedelta(seconds=waits[delivery.attempts - 1])
    held = _held_until(channel=delivery.channel, is_marketing=delivery.is_marketing, moment=retry_at)
    delivery.next_attempt_at = held or retry_at


def delivery_retry(*, delivery: Delivery, actor=None) -> Delivery:
    """Staff send a failed delivery again: now, or for marketing by SMS in the quiet hours
    when they end."""
    from apps.audit.services import audit_record

    now = timezone.now()
    held = _held_until(channel=delivery.channel, is_marketing=delivery.is_marketing, moment=now)
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.RETRYING, next_attempt_at=held or now, failed_at=None,
            queued_until=None if held else now + QUEUE_LEASE)
        if updated:
            audit_record(action="notification_delivery.retried", actor=actor, target=delivery,
                         tenant=current_tenant(), metadata={"attempts": delivery.attempts})
            if held is None:
                schema_name = connection.schema_name
                transaction.on_commit(lambda: _send_later(schema_name, [delivery.pk]), robust=True)
    delivery.refresh_from_db()
    return delivery


# --- The beat: what is due in every schema ----------------------------------------------------------


def _sweepable(now) -> Q:
    """Due with no task queued for it (or the task is lost), or its sender died."""
    return ((Q(status__in=DUE, next_attempt_at__lte=now) & (Q(queued_until__isnull=True) | Q(queued_until__lt=now)))
            | Q(status=Delivery.Status.SENDING, claimed_until__lt=now))


def schemas_with_due(*, now=None) -> list[str]:
    """Schemas with a delivery to queue, one query per 200 schemas (no per-tenant round trip)."""
    now = now or timezone.now()
    rows = across_schemas("notifications_delivery",
                          "1 FROM {table} WHERE (status IN ('queued', 'retrying') AND next_attempt_at <= %s "
                          "AND (queued_until IS NULL OR queued_until < %s)) "
                          "OR (status = 'sending' AND claimed_until < %s) LIMIT 1", [now, now, now])
    return [schema for schema, _one in rows]


def deliveries_due(*, now=None, limit: int = 500) -> list[int]:
    """The deliveries of this schema to queue now, each marked queued (`queued_until`) so
    that the next sweeps leave it to its task."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(Delivery.objects.select_for_update(skip_locked=True).filter(_sweepable(now))
                   .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
        Delivery.objects.filter(pk__in=ids).update(queued_until=now + QUEUE_LEASE)
    return ids


def deliveries_send_due(*, limit: int = 500) -> dict[str, int]:
    """{schema: deliveries handed to the send task} for every schema with deliveries to queue."""
    now = timezone.now()
    queued = {}
    for schema in schemas_with_due(now=now):
        with schema_context(schema):
            ids = deliveries_due(now=now, limit=limit)
        _send_later(schema, ids)
        queued[schema] = len(ids)
    return queued
