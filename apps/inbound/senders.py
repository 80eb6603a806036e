"""The sending side of what this app receives: a Standard Webhooks message, signed and
posted as a provider posts it. The sandbox providers (billing's for invoices,
payments' for order payments) report every outcome this way, through a Celery task
after the commit of what they decided, so that the platform's own inbound endpoint
verifies, stores and processes them exactly as it would a real provider's."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook


def signed_headers(*, secret: str, body: str, msg_id: str | None = None, when: dt.datetime | None = None) -> dict:
    """The three Standard Webhooks headers for `body` signed with `secret` ("whsec_...")."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    when = when or timezone.now()
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(when.timestamp())),
            "webhook-signature": Webhook(secret).sign(msg_id, when, body)}


def webhook_body(event_type: str, data: dict) -> str:
    return json.dumps({"type": event_type, "data": data})


def webhook_send_after_commit(*, url: str, secret_setting: str, event_type: str, data: dict) -> None:
    """Queue the message once the caller's transaction commits (what was decided is then
    visible to the receiver). The task gets the setting's name, never the secret: the
    broker holds no secrets."""
    from .tasks import post_signed_webhook

    body, msg_id = webhook_body(event_type, data), f"msg_{uuid.uuid4().hex}"
    transaction.on_commit(lambda: post_signed_webhook.delay(url, secret_setting, body, msg_id), robust=True)
