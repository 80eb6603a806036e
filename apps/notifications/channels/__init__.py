"""How a delivery leaves the platform, one module per channel kind:

- e-mail (`email.py`): Django's mail API, so any django-anymail provider (EMAIL_BACKEND)
  or, in development, the console backend of apps.core.mail;
- SMS and Kakao AlimTalk: a `MessageProvider` (below) named by settings
  (NOTIFICATIONS_SMS_PROVIDER, NOTIFICATIONS_ALIMTALK_PROVIDER): the sandbox
  (`sandbox.py`, records what it would send) or Solapi (`solapi.py`, its HTTP API);
- in-app: a Notification row (apps.notifications.dispatch).

A provider raises `ChannelError`; `permanent=True` when trying again cannot help (an
invalid number, a rejected template), so the delivery fails at once instead of retrying.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from ..conf import setting


class ChannelError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class PhoneMessage:
    to: str  # E.164
    text: str
    subject: str = ""
    provider_template: str = ""  # AlimTalk: the template code Kakao approved
    variables: dict = field(default_factory=dict)


class MessageProvider:
    """An SMS / AlimTalk provider: `send_sms` and `send_alimtalk` return the provider's
    message id or raise ChannelError."""

    def send_sms(self, message: PhoneMessage) -> str:
        raise NotImplementedError

    def send_alimtalk(self, message: PhoneMessage) -> str:
        raise NotImplementedError


def provider_for(channel: str) -> MessageProvider:
    path = (setting("NOTIFICATIONS_ALIMTALK_PROVIDER") if channel == "alimtalk"
            else setting("NOTIFICATIONS_SMS_PROVIDER"))
    return import_string(path)()
