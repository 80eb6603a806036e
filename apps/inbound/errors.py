"""Inbound webhooks' refusals (codes are stable: senders, API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class WebhookRejected(PlatformError):
    """Base of the refusals of a webhook request (stored as rejected)."""


class InvalidSignature(WebhookRejected):
    code = "invalid_signature"
    status = 401
    message = _("The webhook signature is missing or does not match.")


class StaleWebhook(WebhookRejected):
    code = "stale_webhook"
    status = 401
    message = _("The webhook timestamp is outside the 5-minute window.")


class MalformedWebhook(WebhookRejected):
    code = "malformed_payload"
    message = _('The body must be a JSON object with "type" and "data".')


class UnknownEventType(WebhookRejected):
    code = "unknown_event_type"
    status = 422
    message = _("Unknown event type %(type)s. Known types: %(known)s.")


class EventNotRetryable(PlatformError):
    code = "event_not_retryable"
    status = 409
    message = _("Only failed events can be retried.")
