"""The sandbox SMS / AlimTalk provider (development, tests, demo workspaces): records each
message in the workspace's SandboxMessage table, visible in its admin; sends nothing."""

from __future__ import annotations

from ..conf import setting
from ..models import Channel, SandboxMessage
from . import ChannelError, MessageProvider, PhoneMessage


class SandboxProvider(MessageProvider):
    def _record(self, channel: str, message: PhoneMessage) -> str:
        if not message.to:
            raise ChannelError("no phone number", permanent=True)
        row = SandboxMessage.objects.create(channel=channel, to=message.to, sender=setting("NOTIFICATIONS_SMS_SENDER"),
                                            subject=message.subject, text=message.text,
                                            provider_template=message.provider_template)
        return f"sandbox-{row.pk}"

    def send_sms(self, message: PhoneMessage) -> str:
        return self._record(Channel.SMS, message)

    def send_alimtalk(self, message: PhoneMessage) -> str:
        return self._record(Channel.ALIMTALK, message)
