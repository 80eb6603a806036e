"""Webhooks' refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import NotFound, PlatformError


class UnknownEvent(PlatformError):
    code = "webhook_event_unknown"
    status = 400
    message = _("There is no such event.")


class TargetNotAllowed(PlatformError):
    """Not an http(s) URL, or a host that is not public (server-side request forgery)."""

    code = "webhook_url_invalid"
    status = 400
    message = _("Webhooks can only be sent to a public http:// or https:// URL.")


class ReplayInvalid(PlatformError):
    code = "webhook_replay_invalid"
    status = 400
    message = _("Say what to send again: a message id, or a time to send everything since.")


class MessageNotFound(NotFound):
    message = _("This endpoint has no such message.")


class ReplayTooOld(PlatformError):
    """A replay asked for messages from before WEBHOOKS_REPLAY_MAX_DAYS."""

    code = "webhook_replay_too_old"
    status = 422
    message = _("Messages can only be sent again for a limited time back.")
