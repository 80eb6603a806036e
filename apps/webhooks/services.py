"""Webhook endpoints, their signing secrets, and sending messages again.

Endpoints are checked when written (known event names, a public http(s) URL unless
settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS) and audited. Secrets are shown once: the
service returns the plain secret to its caller and keeps it encrypted (apps.webhooks
.secrets). A rotation keeps the old secret signing for WEBHOOKS_SECRET_OVERLAP_HOURS
(both signatures go out), so receivers can switch without losing a message."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.changes import model_update
from apps.events.catalogue import event_type_get
from apps.events.models import Event
from apps.rbac.tenancy import current_tenant

from . import outbound
from .delivery import deliveries_send
from .errors import MessageNotFound, ReplayInvalid, TargetNotAllowed, UnknownEvent
from .models import Delivery, SigningSecret, WebhookEndpoint
from .secrets import secret_decrypt, secret_encrypt, secret_hint, secret_mint

FIELDS = ["url", "description", "events"]
REPLAY_SEND_NOW = 1000  # deliveries sent at once by a replay; beat sends the rest (retry_due)


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


def url_check(url: str) -> str:
    url = (url or "").strip()
    if len(url) > WebhookEndpoint._meta.get_field("url").max_length:
        raise TargetNotAllowed(_("The URL is too long."), details={"url": [_("The URL is too long.")]})
    try:
        outbound.resolve(url)
    except outbound.TargetRefused as refused:
        raise TargetNotAllowed(str(refused), details={"url": [str(refused)]}) from None
    return url


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
    url = url_check(url)
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
                     metadata={"url": url, "events": events, "uses_workspace_secret": uses_workspace_secret})
    return endpoint, raw


def endpoint_update(*, endpoint: WebhookEndpoint, data: dict, actor=None) -> WebhookEndpoint:
    data = {name: value for name, value in data.items() if name in FIELDS}
    if "events" in data:
        data["events"] = events_check(data["events"])
    if "url" in data:
        data["url"] = url_check(data["url"])
    with transaction.atomic():
        changes = model_update(endpoint, data=data, fields=FIELDS)
        if changes:
            audit_record(action="webhook_endpoint.updated", actor=actor, target=endpoint, tenant=current_tenant(),
                         changes=changes)
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint, actor=None) -> None:
    with transaction.atomic():
        audit_record(action="webhook_endpoint.deleted", actor=actor, target=endpoint, tenant=current_tenant(),
                     metadata={"url": endpoint.url, "events": endpoint.events})
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


def _redeliver(endpoint: WebhookEndpoint, event_ids: list[int]) -> list[int]:
    """Make these events' deliveries to `endpoint` pending again (a new round of
    attempts, the same message ids); returns the delivery ids."""
    now = timezone.now()
    ids = []
    for start in range(0, len(event_ids), 1000):
        rows = [Delivery(endpoint=endpoint, event_id=event_id, status=Delivery.Status.PENDING, attempts=0,
                         next_attempt_at=now, queued_until=None, in_flight_until=None)
                for event_id in event_ids[start:start + 1000]]
        Delivery.objects.bulk_create(rows, update_conflicts=True, unique_fields=["endpoint", "event"],
                                     update_fields=["status", "attempts", "next_attempt_at", "queued_until",
                                                    "in_flight_until"])
        ids += [row.pk for row in rows]
    return ids


def endpoint_replay(*, endpoint: WebhookEndpoint, actor=None, since: datetime | None = None,
                    message: str | None = None) -> int:
    """Send again one message (`message`: its id, whatever became of it), or everything
    since `since` that has not been delivered (events missed while disabled too). A
    disabled endpoint is enabled; without `since` or `message` it gets everything since
    it was disabled. Returns how many messages go out."""
    if since is not None and message is not None:
        raise ReplayInvalid(_("Give either a message or a time, not both."))
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        was_disabled = endpoint.disabled_at
        if since is None and message is None:
            if was_disabled is None:
                raise ReplayInvalid()
            since = replay_start_after_disabled(endpoint)
        if message is not None:
            event = _event_for(message)
            if event is None or not (endpoint.deliveries.filter(event=event).exists() or endpoint.wants(event.name)):
                raise MessageNotFound(details={"message": message})
            event_ids = [event.pk]
        else:
            if since > timezone.now():
                raise ReplayInvalid(_("The time to send messages since lies in the future."))
            events = Event.objects.filter(occurred_at__gte=since)
            if endpoint.events:
                events = events.filter(name__in=endpoint.events)
            delivered = endpoint.deliveries.filter(status=Delivery.Status.SUCCEEDED).values("event_id")
            event_ids = list(events.exclude(pk__in=delivered).order_by("occurred_at", "id")
                             .values_list("pk", flat=True))
        if was_disabled is not None:
            endpoint_enable(endpoint=endpoint, actor=actor)
        delivery_ids = _redeliver(endpoint, event_ids)
        audit_record(action="webhook_endpoint.replayed", actor=actor, target=endpoint, tenant=current_tenant(),
                     metadata={"messages": len(delivery_ids), "message": message,
                               "since": since.isoformat() if since else None,
                               "was_disabled_at": was_disabled.isoformat() if was_disabled else None})
        deliveries_send(delivery_ids[:REPLAY_SEND_NOW])
    return len(delivery_ids)
