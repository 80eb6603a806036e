"""Fan-out and delivery of webhook messages (Standard Webhooks).

`on_event` (the "webhooks" subscriber of apps.events) writes one delivery per active
endpoint that wants the event and starts each once the transaction commits. An attempt
(`delivery_attempt`, the `webhooks.deliver` task) signs the message with every secret
that signs the endpoint now, POSTs it (apps.webhooks.outbound) and logs the attempt.
Failures are retried on RETRY_DELAYS (with up to 10% jitter) only for timeouts,
connection errors, 5xx, 408 and 429; a 410 disables the endpoint. The next attempt is
`next_attempt_at`: a task with a countdown for the short delays, the beat task
`webhooks.retry_due` for everything due (apps.webhooks.sweep). Leases keep two workers
from sending the same message at once; a lost task or a dead worker only delays it. An
attempt's result is recorded only while its lease is still the delivery's and the
delivery is still pending, so a slow attempt cannot undo a disabling, a replay or
another worker's result.

An endpoint failing without a single success for WEBHOOKS_WARN_AFTER_DAYS gets its
owner warned by e-mail, and is disabled after WEBHOOKS_DISABLE_AFTER_DAYS (once
warned); its pending messages are then failed, to be replayed once it is fixed."""

from __future__ import annotations

import json
import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_context
from standardwebhooks import Webhook

from apps.audit.services import audit_record
from apps.rbac.tenancy import current_tenant

from . import outbound
from .metrics import WEBHOOK_ATTEMPTS
from .models import Attempt, Delivery, WebhookEndpoint
from .secrets import secret_decrypt

logger = logging.getLogger(__name__)

# Seconds before attempt n+1 (the first is immediate): then 5 s, 5 min, 30 min, 2 h, 5 h,
# 10 h, 14 h, 20 h, 24 h; ten attempts over ~3 days.
RETRY_DELAYS = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
RETRY_STATUSES = {408, 429}
JITTER = 0.1  # up to 10% later, so that retries after an outage do not arrive all at once
COUNTDOWN_UP_TO = 60  # seconds: shorter delays get a task with a countdown, longer ones wait for beat
QUEUE_LEASE = timedelta(minutes=2)  # a queued task that has not started by then is sent again
USER_AGENT = "platform-webhooks/1"


def setting(name: str, default):
    return getattr(settings, name, default)


# --- Fan-out --------------------------------------------------------------------------------


def on_event(event) -> None:
    """Subscriber: one delivery per active endpoint that wants the event (runs in the
    event's schema, in the dispatch transaction)."""
    endpoint_ids = [endpoint.pk for endpoint in
                    WebhookEndpoint.objects.filter(disabled_at__isnull=True).only("pk", "events")
                    if endpoint.wants(event.name)]
    if not endpoint_ids:
        return
    now = timezone.now()
    with connection.cursor() as cursor:  # written already queued; a replay may have written one first
        cursor.execute(FAN_OUT_SQL, {"endpoints": endpoint_ids, "event": event.pk, "now": now,
                                     "queued": now + QUEUE_LEASE})
        delivery_ids = [row[0] for row in cursor.fetchall()]
    deliveries_send(delivery_ids, marked=True)


FAN_OUT_SQL = """
INSERT INTO webhooks_delivery (endpoint_id, event_id, status, attempts, next_attempt_at, queued_until, created_at,
                               resend_after_attempt)
SELECT endpoint_id, %(event)s, 'pending', 0, %(now)s, %(queued)s, %(now)s, FALSE
FROM unnest(%(endpoints)s::bigint[]) AS endpoint_id
ON CONFLICT (endpoint_id, event_id) DO NOTHING
RETURNING id
"""


def deliveries_send(delivery_ids: list[int], *, countdown: float = 0, marked: bool = False) -> None:
    """Queue an attempt for each delivery once the transaction commits (in this schema);
    `marked`: the caller has already set their queued_until."""
    if not delivery_ids:
        return
    if not marked:
        Delivery.objects.filter(pk__in=delivery_ids).update(
            queued_until=timezone.now() + timedelta(seconds=countdown) + QUEUE_LEASE)
    schema_name = connection.schema_name

    def send():
        from .tasks import deliver

        with schema_context(schema_name):  # the task runs in this schema (tenant-schemas-celery)
            for delivery_id in delivery_ids:
                deliver.apply_async((delivery_id,), countdown=countdown or None)

    transaction.on_commit(send)


def deliveries_due(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """Pending deliveries of this schema whose attempt is due and not queued or under way;
    each is marked queued (the caller sends them)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(Delivery.objects.select_for_update(skip_locked=True).filter(
            due_filter(now), status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
        Delivery.objects.filter(pk__in=ids).update(queued_until=now + QUEUE_LEASE)
    return ids


def due_filter(now) -> Q:
    return ((Q(queued_until__isnull=True) | Q(queued_until__lt=now))
            & (Q(in_flight_until__isnull=True) | Q(in_flight_until__lt=now)))


# --- The message ----------------------------------------------------------------------------


def payload(event) -> str:
    """The body, as signed: {"type", "timestamp", "data"} (Standard Webhooks)."""
    return json.dumps({"type": event.name, "timestamp": event.occurred_at.isoformat().replace("+00:00", "Z"),
                       "data": event.data}, separators=(",", ":"), ensure_ascii=False)


def signed_headers(*, message_id: str, body: str, secrets: list[str], sent_at: datetime) -> dict[str, str]:
    signatures = " ".join(Webhook(secret).sign(message_id, sent_at, body) for secret in secrets)
    return {"webhook-id": message_id, "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signatures, "content-type": "application/json", "user-agent": USER_AGENT}


# --- Attempts ---------------------------------------------------------------------------------


def _retry_delay(attempts: int) -> float | None:
    if attempts >= len(RETRY_DELAYS):
        return None
    delay = RETRY_DELAYS[attempts]
    return delay * (1 + random.uniform(0, JITTER))


def retryable(outcome: outbound.Outcome) -> bool:
    if outcome.timed_out or outcome.connection_failed:
        return True
    code = outcome.status_code
    return code is not None and (code >= 500 or code in RETRY_STATUSES)


# One round trip each way, since a delivery is mostly bookkeeping around one request: the
# claim returns what the attempt needs (the delivery, its endpoint, its event and the
# secrets that sign it now); the log and the delivery's new state are one statement.
CLAIM_SQL = """
UPDATE webhooks_delivery d SET in_flight_until = %(lease)s, resend_after_attempt = FALSE
FROM webhooks_webhookendpoint e, events_event ev
WHERE d.id = %(id)s AND d.status = 'pending' AND d.next_attempt_at <= %(now)s
  AND (d.in_flight_until IS NULL OR d.in_flight_until < %(now)s)
  AND e.id = d.endpoint_id AND e.disabled_at IS NULL AND ev.id = d.event_id
RETURNING d.attempts, e.id, e.url, e.failing_since, e.warned_at, ev.id, ev.public_id, ev.name, ev.version, ev.data,
  ev.occurred_at,
  ARRAY(SELECT s.encrypted FROM webhooks_signingsecret s
        WHERE (s.expires_at IS NULL OR s.expires_at > %(now)s)
          AND ((s.endpoint_id = e.id AND NOT e.uses_workspace_secret)
               OR (s.endpoint_id IS NULL
                   AND (e.uses_workspace_secret OR e.workspace_secret_until > %(now)s)))
        ORDER BY s.id DESC)
"""
# The delivery's new state only while the lease is still this attempt's and the delivery
# pending (a disabling, a replay of a lapsed lease or another worker leaves it alone); a
# replay during the attempt (resend_after_attempt) starts a new round at once. The
# attempt is logged either way: the request went out.
RECORD_SQL = """
WITH delivery AS (
  UPDATE webhooks_delivery SET
    attempts = CASE WHEN resend_after_attempt THEN 0 ELSE attempts + 1 END,
    status = CASE WHEN resend_after_attempt THEN 'pending' ELSE %(status)s END,
    next_attempt_at = CASE WHEN resend_after_attempt THEN %(now)s ELSE %(next)s END,
    delivered_at = COALESCE(%(delivered_at)s, delivered_at), last_attempt_at = %(sent_at)s,
    in_flight_until = NULL, resend_after_attempt = FALSE
  WHERE id = %(id)s AND status = 'pending' AND in_flight_until = %(lease)s
  RETURNING attempts, status, next_attempt_at),
attempt AS (
  INSERT INTO webhooks_attempt (delivery_id, endpoint_id, attempted_at, url, status_code, latency_ms, response_body,
                                error, succeeded, will_retry)
  SELECT %(id)s, %(endpoint)s, %(sent_at)s, %(url)s, %(code)s, %(latency)s, %(body)s, %(error)s, %(succeeded)s,
         %(will_retry)s AND EXISTS (SELECT 1 FROM delivery)
  RETURNING id, will_retry)
SELECT attempt.id, attempt.will_retry, delivery.attempts, delivery.status, delivery.next_attempt_at
FROM attempt LEFT JOIN delivery ON TRUE
"""


def lease_seconds() -> float:
    """How long an attempt may take: the DNS lookup, the request, and room to record it."""
    return outbound.dns_timeout() + setting("WEBHOOKS_TIMEOUT_SECONDS", 15) + 30


def _claim(delivery_id: int, now: datetime, lease: datetime) -> tuple[Delivery, list[str]] | None:
    from apps.events.models import Event

    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, {"id": delivery_id, "now": now, "lease": lease})
        row = cursor.fetchone()
    if row is None:
        return None
    (attempts, endpoint_id, url, failing_since, warned_at, event_id, public_id, name, version, data, occurred_at,
     encrypted) = row
    endpoint = WebhookEndpoint(pk=endpoint_id, url=url, failing_since=failing_since, warned_at=warned_at)
    event = Event(pk=event_id, public_id=public_id, name=name, version=version, occurred_at=occurred_at,
                  data=json.loads(data) if isinstance(data, str) else data)
    delivery = Delivery(pk=delivery_id, endpoint=endpoint, event=event, attempts=attempts,
                        status=Delivery.Status.PENDING)
    return delivery, [secret_decrypt(token) for token in encrypted]


def delivery_attempt(*, delivery_id: int) -> Attempt | None:
    """Send one due delivery (idempotent: None when it is not due, is done, is being sent
    by another worker, or its endpoint is disabled)."""
    now = timezone.now()
    timeout = setting("WEBHOOKS_TIMEOUT_SECONDS", 15)
    lease = now + timedelta(seconds=lease_seconds())
    claimed = _claim(delivery_id, now, lease)
    if claimed is None:
        return None
    delivery, secrets = claimed
    event = delivery.event
    body = payload(event)
    sent_at = timezone.now()
    if not secrets:  # every secret expired: nothing may be sent unsigned
        outcome = outbound.Outcome(error="no signing secret", refused=True)
    else:
        headers = signed_headers(message_id=event.message_id, body=body, secrets=secrets, sent_at=sent_at)
        outcome = outbound.post(delivery.endpoint.url, body=body.encode(), headers=headers, timeout=timeout)
    return _record(delivery, outcome, sent_at, lease)


def _record(delivery: Delivery, outcome: outbound.Outcome, sent_at: datetime, lease: datetime) -> Attempt:
    endpoint = delivery.endpoint
    code = outcome.status_code
    succeeded = code is not None and 200 <= code < 300
    attempts = delivery.attempts + 1
    delay = _retry_delay(attempts) if not succeeded and retryable(outcome) else None
    now = timezone.now()
    if succeeded:
        status, next_attempt_at = Delivery.Status.SUCCEEDED, None
    elif delay is not None:
        status, next_attempt_at = Delivery.Status.PENDING, now + timedelta(seconds=delay)
    else:
        status, next_attempt_at = Delivery.Status.FAILED, None
    attempt = Attempt(delivery=delivery, endpoint=endpoint, attempted_at=sent_at, url=endpoint.url, status_code=code,
                      latency_ms=outcome.latency_ms, response_body=outcome.body.replace("\x00", ""),
                      error=outcome.error, succeeded=succeeded, will_retry=delay is not None)
    with connection.cursor() as cursor:  # one statement: the log and the delivery's state together
        try:
            cursor.execute(RECORD_SQL, {
                "id": delivery.pk, "endpoint": endpoint.pk, "sent_at": sent_at, "url": attempt.url, "code": code,
                "latency": attempt.latency_ms, "body": attempt.response_body, "error": attempt.error,
                "succeeded": succeeded, "will_retry": attempt.will_retry, "status": status, "now": now,
                "delivered_at": now if succeeded else None, "next": next_attempt_at, "lease": lease})
        except IntegrityError:  # the endpoint was deleted while the request was under way
            WEBHOOK_ATTEMPTS.labels(outcome="abandoned").inc()
            logger.info("webhook delivery %s: endpoint %s deleted during the attempt", delivery.pk, endpoint.pk)
            return attempt
        attempt.pk, attempt.will_retry, attempts, status, next_attempt_at = cursor.fetchone()
    WEBHOOK_ATTEMPTS.labels(outcome="succeeded" if succeeded else "retrying" if attempt.will_retry else "failed").inc()
    if status is None:  # no longer this attempt's to decide (disabled, replayed, or taken over meanwhile)
        logger.info("webhook delivery %s: attempt %s logged, the delivery had moved on", delivery.pk, attempt.pk)
        return attempt
    delivery.attempts, delivery.status, delivery.next_attempt_at = attempts, status, next_attempt_at
    with transaction.atomic():
        if succeeded:
            if endpoint.failing_since is not None:  # the run of failures is over
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None, warned_at=None)
        elif code == 410:
            endpoint_disable(endpoint=endpoint, reason=WebhookEndpoint.DisabledReason.GONE)
        else:
            _failing(endpoint, now)
        if status == Delivery.Status.PENDING:  # a retry soon, or a replay asked for during the attempt
            countdown = max((next_attempt_at - now).total_seconds(), 0)
            if countdown <= COUNTDOWN_UP_TO:
                deliveries_send([delivery.pk], countdown=countdown)
    return attempt


def _failing(endpoint: WebhookEndpoint, now: datetime) -> None:
    """One more failure without a success in between: warn the owner, then disable."""
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
        return
    failing_for = now - endpoint.failing_since
    if failing_for >= timedelta(days=setting("WEBHOOKS_DISABLE_AFTER_DAYS", 5)) and endpoint.warned_at is not None:
        endpoint_disable(endpoint=endpoint, reason=WebhookEndpoint.DisabledReason.FAILING)
    elif failing_for >= timedelta(days=setting("WEBHOOKS_WARN_AFTER_DAYS", 3)) and endpoint.warned_at is None:
        if WebhookEndpoint.objects.filter(pk=endpoint.pk, warned_at__isnull=True).update(warned_at=now):
            tenant = current_tenant()
            endpoint_id = endpoint.pk
            transaction.on_commit(lambda: failing_warning_send(tenant=tenant, endpoint_id=endpoint_id))


def endpoint_disable(*, endpoint: WebhookEndpoint, reason: str, actor=None) -> bool:
    """Stop sending to the endpoint; its pending messages fail (a replay sends them)."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if endpoint.disabled_at is not None:
            return False
        endpoint.disabled_at, endpoint.disabled_reason = timezone.now(), reason
        endpoint.save(update_fields=["disabled_at", "disabled_reason", "updated_at"])
        pending = endpoint.deliveries.filter(status=Delivery.Status.PENDING).update(
            status=Delivery.Status.FAILED, next_attempt_at=None, queued_until=None)
        audit_record(action="webhook_endpoint.disabled", actor=actor, target=endpoint, tenant=current_tenant(),
                     metadata={"reason": reason, "pending_failed": pending,
                               "failing_since": endpoint.failing_since.isoformat() if endpoint.failing_since else None})
    return True


def failing_warning_send(*, tenant, endpoint_id: int) -> None:
    """E-mail the owner: this endpoint keeps failing and will be disabled."""
    from django.urls import reverse

    from apps.core.mail import send_templated_mail
    from apps.tenants.invites import owner_address, owner_language, tenant_url

    with schema_context(tenant.schema_name):
        endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
        if endpoint is None or endpoint.failing_since is None:
            return
        days = setting("WEBHOOKS_DISABLE_AFTER_DAYS", 5)
        path = reverse("tenant_admin:webhooks_webhookendpoint_change", args=[endpoint.pk],
                       urlconf=settings.ROOT_URLCONF)
        context = {"tenant": tenant, "endpoint": endpoint, "failing_since": endpoint.failing_since,
                   "disable_at": endpoint.failing_since + timedelta(days=days), "days": days,
                   "last_error": _last_error(endpoint), "admin_url": tenant_url(tenant, path),
                   "owner_name": tenant.owner_name or tenant.owner_email}
    send_templated_mail(to=owner_address(tenant), template="webhooks/email/endpoint_failing", context=context,
                        language=owner_language(tenant), time_zone=tenant.timezone, brand=tenant.name)


def _last_error(endpoint: WebhookEndpoint) -> str:
    attempt = endpoint.attempts.order_by("-id").first()
    if attempt is None:
        return ""
    return f"HTTP {attempt.status_code}" if attempt.status_code else attempt.error
