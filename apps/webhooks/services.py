"""Webhook endpoints, their signing secrets, and sending messages again.

Endpoints are checked when written (known event names, a public http(s) URL unless
settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS) and audited. Secrets are shown once: the
service returns the plain secret to its caller and keeps it encrypted (apps.webhooks
.secrets). A rotation keeps the old secret signing for WEBHOOKS_SECRET_OVERLAP_HOURS
(both signatures go out), so receivers can switch without losing a message. The audit log
keeps endpoint URLs without their query values (receivers put tokens there)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.changes import model_update
from apps.events.catalogue import event_type_get
from apps.events.models import Event
from apps.rbac.tenancy import current_tenant

from . import outbound
from .delivery import QUEUE_LEASE, deliveries_send
from .errors import MessageNotFound, ReplayInvalid, ReplayTooOld, TargetNotAllowed, UnknownEvent
from .models import Delivery, SigningSecret, WebhookEndpoint
from .outbound import url_redacted
from .secrets import secret_decrypt, secret_encrypt, secret_hint, secret_mint

FIELDS = ["url", "description", "events"]
REPLAY_SEND_NOW = 1000  # deliveries sent at once by a replay (its first page); beat sends the rest (retry_due)
REPLAY_PAGE = 1000  # events a replay reads and writes deliveries for at a time


def secret_overlap() -> timedelta:
    return timedelta(hours=getattr(settings, "WEBHOOKS_SECRET_OVERLAP_HOURS", 24))


# --- Checks ------------------------------------------------------------------------------------


def events_check(events) -> list[str]:
    names = list(dict.fromkeys(str(name).strip() for name in events or ()))
    unknown = [name for name in names if event_type_get(name) is None]
    if unknown:
        message = _("There is no event named %(names)s (GET /api/v1/webhook-events/ lists them).") % {
            "names": ", ".join(f"“{name}”" for name in unknown)}
        raise UnknownEvent(message, details={"events": unknown})
    return names


class CheckedUrl(str):
    """A URL that url_check has just passed (in a form's validation): the service that then
    writes it does not look the host up a second time. Only url_check makes one."""


def url_check(url: str) -> CheckedUrl:
    if isinstance(url, CheckedUrl):
        return url
    url = (url or "").strip()
    if len(url) > WebhookEndpoint._meta.get_field("url").max_length:
        raise TargetNotAllowed(_("The URL is too long."), details={"url": [_("The URL is too long.")]})
    try:
        outbound.resolve(url)
    except outbound.TargetRefused as refused:
        raise TargetNotAllowed(str(refused), details={"url": [str(refused)]}) from None
    return CheckedUrl(url)


# --- Secrets -------------------------------------------------------------------------------------


def _secret_create(endpoint: WebhookEndpoint | None) -> tuple[SigningSecret, str]:
    raw = secret_mint()
    return SigningSecret.objects.create(endpoint=endpoint, encrypted=secret_encrypt(raw), hint=secret_hint(raw)), raw


def workspace_secret_current() -> SigningSecret | None:
    return SigningSecret.objects.filter(endpoint__isnull=True, expires_at__isnull=True).order_by("-id").first()


def workspace_secret_issue(*, actor=None) -> tuple[SigningSecret, str]:
    """The workspace's signing secret (provisioning; or the first endpoint that uses it
    in a workspace provisioned before webhooks). Its owner sees it once (admin)."""
    with transaction.atomic():
        secret, raw = _secret_create(None)
        audit_record(action="webhook_secret.issued", actor=actor, target=secret, tenant=current_tenant())
    return secret, raw


def workspace_secret_ensure() -> SigningSecret:
    return workspace_secret_current() or workspace_secret_issue()[0]


def workspace_secret_reveal(*, secret: SigningSecret) -> str | None:
    """The plain secret, the first time only (the owner, on the webhooks admin page)."""
    if SigningSecret.objects.filter(pk=secret.pk, revealed_at__isnull=True).update(revealed_at=timezone.now()):
        return secret_decrypt(secret.encrypted)
    return None


def workspace_secret_rotate(*, actor) -> str:
    now = timezone.now()
    with transaction.atomic():
        SigningSecret.objects.filter(endpoint__isnull=True, expires_at__isnull=True).update(
            expires_at=now + secret_overlap())
        secret, raw = _secret_create(None)
        secret.revealed_at = now  # the caller shows it now
        secret.save(update_fields=["revealed_at"])
        audit_record(action="webhook_secret.rotated", actor=actor, target=secret, tenant=current_tenant(),
                     metadata={"old_secret_signs_until": (now + secret_overlap()).isoformat()})
    return raw


def endpoint_secret_rotate(*, endpoint: WebhookEndpoint, actor) -> tuple[str, datetime]:
    """A new secret of the endpoint's own (returned, shown once) and until when what
    signed until now goes on signing (the overlap window)."""
    now = timezone.now()
    until = now + secret_overlap()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.secrets.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=until)).update(expires_at=until)
        if endpoint.uses_workspace_secret:
            endpoint.uses_workspace_secret = False
            endpoint.workspace_secret_until = until
            endpoint.save(update_fields=["uses_workspace_secret", "workspace_secret_until", "updated_at"])
        _secret, raw = _secret_create(endpoint)
        audit_record(action="webhook_endpoint.secret_rotated", actor=actor, target=endpoint, tenant=current_tenant(),
                     metadata={"old_secret_signs_until": until.isoformat(), "secret": secret_hint(raw)})
    return raw, until


# --- Endpoints ------------------------------------------------------------------------------


def endpoint_create(*, url: str, events=(), description: str = "", uses_workspace_secret: bool = False,
                    actor=None) -> tuple[WebhookEndpoint, str | None]:
    """The endpoint and its own secret (None when it signs with the workspace's)."""
    events = events_check(events)
    url = str(url_check(url))
    with transaction.atomic():
        endpoint = WebhookEndpoint(url=url, events=events, description=description or "",
                                   uses_workspace_secret=uses_workspace_secret,
                                   created_by=actor if getattr(actor, "pk", None) else None)
        endpoint.full_clean()
        endpoint.save()
        raw = None
        if uses_workspace_secret:
            workspace_secret_ensure()
        else:
            _secret, raw = _secret_create(endpoint)
        audit_record(action="webhook_endpoint.created", actor=actor, target=endpoint, tenant=current_tenant(),
                     metadata={"url": url_redacted(url), "events": events,
                               "uses_workspace_secret": uses_workspace_secret})
    return endpoint, raw


def endpoint_update(*, endpoint: WebhookEndpoint, data: dict, actor=None) -> WebhookEndpoint:
    data = {name: value for name, value in data.items() if name in FIELDS}
    if "events" in data:
        data["events"] = events_check(data["events"])
    if "url" in data:
        data["url"] = str(url_check(data["url"]))
    with transaction.atomic():
        changes = model_update(endpoint, data=data, fields=FIELDS)
        if "url" in changes:
            changes["url"] = [url_redacted(value) for value in changes["url"]]
        if changes:
            audit_record(action="webhook_endpoint.updated", actor=actor, target=endpoint, tenant=current_tenant(),
                         changes=changes)
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint, actor=None) -> None:
    with transaction.atomic():
        audit_record(action="webhook_endpoint.deleted", actor=actor, target=endpoint, tenant=current_tenant(),
                     metadata={"url": url_redacted(endpoint.url), "events": endpoint.events})
        endpoint.delete()


def endpoint_enable(*, endpoint: WebhookEndpoint, actor=None) -> bool:
    """Deliveries start again (what was missed meanwhile only through a replay)."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        if endpoint.disabled_at is None:
            return False
        audit_record(action="webhook_endpoint.enabled", actor=actor, target=endpoint, tenant=current_tenant(),
                     metadata={"disabled_at": endpoint.disabled_at.isoformat(), "reason": endpoint.disabled_reason})
        endpoint.disabled_at = endpoint.failing_since = endpoint.warned_at = None
        endpoint.disabled_reason = ""
        endpoint.save(update_fields=["disabled_at", "disabled_reason", "failing_since", "warned_at", "updated_at"])
    return True


# --- Replays -------------------------------------------------------------------------------------


def _event_for(message: str) -> Event | None:
    value = str(message).strip()
    value = value[4:] if value.startswith("msg_") else value
    try:
        public_id = uuid.UUID(hex=value)
    except ValueError:
        return None
    return Event.objects.filter(public_id=public_id).first()


def replay_start_after_disabled(endpoint: WebhookEndpoint) -> datetime:
    """Where "everything since it was disabled" begins: the disabling, or the oldest
    event that failed in the run of failures that led to it."""
    start = endpoint.disabled_at
    failed = endpoint.deliveries.filter(status=Delivery.Status.FAILED)
    if endpoint.failing_since is not None:
        failed = failed.filter(last_attempt_at__gte=endpoint.failing_since)
    else:
        failed = failed.filter(last_attempt_at__gte=endpoint.disabled_at - timedelta(minutes=1))
    oldest = failed.aggregate(oldest=Min("event__occurred_at"))["oldest"]
    return min(start, oldest) if oldest else start


# New deliveries, or a new round of attempts (the same message ids) for existing ones. One
# whose attempt is under way is left to finish (its result is recorded) and marked to go
# again right after, so the replay never sends it twice at once nor loses that result.
REDELIVER_SQL = """
INSERT INTO webhooks_delivery AS d (endpoint_id, event_id, status, attempts, next_attempt_at, queued_until,
                                    created_at, resend_after_attempt)
SELECT %(endpoint)s, event_id, 'pending', 0, %(now)s, %(queued)s, %(now)s, FALSE
FROM unnest(%(events)s::bigint[]) AS event_id
ON CONFLICT (endpoint_id, event_id) DO UPDATE SET
  resend_after_attempt = COALESCE(d.in_flight_until >= %(now)s, FALSE),
  status = 'pending',
  attempts = CASE WHEN d.in_flight_until >= %(now)s THEN d.attempts ELSE 0 END,
  next_attempt_at = CASE WHEN d.in_flight_until >= %(now)s THEN COALESCE(d.next_attempt_at, %(now)s)
                    ELSE %(now)s END,
  queued_until = CASE WHEN d.in_flight_until >= %(now)s THEN d.queued_until ELSE %(queued)s END,
  in_flight_until = CASE WHEN d.in_flight_until >= %(now)s THEN d.in_flight_until END
RETURNING d.id, d.resend_after_attempt
"""


def _redeliver(endpoint: WebhookEndpoint, event_ids: list[int], *, queued: bool) -> tuple[list[int], int]:
    """Make these events' deliveries to `endpoint` pending again; returns the ids of those
    to send now (marked queued when `queued`), and how many there are in all."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(REDELIVER_SQL, {"endpoint": endpoint.pk, "events": event_ids, "now": now,
                                       "queued": now + QUEUE_LEASE if queued else None})
        rows = cursor.fetchall()
    return [delivery_id for delivery_id, resend_later in rows if not resend_later], len(rows)


def replay_max_days() -> int:
    return int(getattr(settings, "WEBHOOKS_REPLAY_MAX_DAYS", 30))


def _replay_since(endpoint: WebhookEndpoint, since: datetime, *, asked: bool, now: datetime) -> datetime:
    """`since`, no earlier than the endpoint itself; a time asked for beyond the replay
    window is refused, "since it was disabled" is cut to the window."""
    earliest = now - timedelta(days=replay_max_days())
    if since < earliest:
        if asked:
            message = _("Messages can be sent again for the last %(days)s days only: choose a time after "
                        "%(earliest)s.") % {"days": replay_max_days(),
                                            "earliest": earliest.strftime("%Y-%m-%d %H:%M UTC")}
            raise ReplayTooOld(message, details={"since": [message], "earliest": earliest.isoformat()})
        since = earliest
    return max(since, endpoint.created_at)


def _events_since(endpoint: WebhookEndpoint, since: datetime, until: datetime):
    """Pages of the ids of the events since `since` the endpoint wants and has not had
    delivered, oldest first (keyset pages: never all of them in memory at once)."""
    events = Event.objects.filter(occurred_at__gte=since, occurred_at__lte=until)
    if endpoint.events:
        events = events.filter(name__in=endpoint.events)
    events = events.exclude(pk__in=endpoint.deliveries.filter(status=Delivery.Status.SUCCEEDED).values("event_id"))
    after = None
    while True:
        page = events if after is None else events.filter(
            Q(occurred_at__gt=after[0]) | Q(occurred_at=after[0], pk__gt=after[1]))
        rows = list(page.order_by("occurred_at", "id").values_list("occurred_at", "pk")[:REPLAY_PAGE])
        if not rows:
            return
        yield [pk for _occurred_at, pk in rows]
        after = rows[-1]


def endpoint_replay(*, endpoint: WebhookEndpoint, actor=None, since: datetime | None = None,
                    message: str | None = None) -> int:
    """Send again one message (`message`: its id, whatever became of it), or everything
    since `since` that has not been delivered (events missed while disabled too), within
    WEBHOOKS_REPLAY_MAX_DAYS and never from before the endpoint existed. A disabled
    endpoint is enabled; without `since` or `message` it gets everything since it was
    disabled. Returns how many messages go out."""
    if since is not None and message is not None:
        raise ReplayInvalid(_("Give either a message or a time, not both."))
    now = timezone.now()
    if since is not None and since > now:
        raise ReplayInvalid(_("The time to send messages since lies in the future."))
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        was_disabled = endpoint.disabled_at
        if since is None and message is None:
            if was_disabled is None:
                raise ReplayInvalid()
            since = _replay_since(endpoint, replay_start_after_disabled(endpoint), asked=False, now=now)
        elif since is not None:
            since = _replay_since(endpoint, since, asked=True, now=now)
        if message is not None:
            event = _event_for(message)
            if event is None or not (endpoint.deliveries.filter(event=event).exists()
                                     or (endpoint.wants(event.name) and event.occurred_at >= endpoint.created_at)):
                raise MessageNotFound(details={"message": message})
            pages = [[event.pk]]
        else:
            pages = _events_since(endpoint, since, now)
        if was_disabled is not None:
            endpoint_enable(endpoint=endpoint, actor=actor)
        send_now, count = [], 0
        for event_ids in pages:
            queued = len(send_now) < REPLAY_SEND_NOW
            ids, written = _redeliver(endpoint, event_ids, queued=queued)
            count += written
            if queued:
                send_now += ids
        audit_record(action="webhook_endpoint.replayed", actor=actor, target=endpoint, tenant=current_tenant(),
                     metadata={"messages": count, "message": message,
                               "since": since.isoformat() if since else None,
                               "was_disabled_at": was_disabled.isoformat() if was_disabled else None})
        deliveries_send(send_now, marked=True)
    return count
