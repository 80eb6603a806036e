"""Solapi (https://docs.solapi.com): SMS/LMS and Kakao AlimTalk through its message API v4,
`POST {SOLAPI_BASE_URL}/messages/v4/send` with one `message`, authenticated by
`Authorization: HMAC-SHA256 apiKey=…, date=…, salt=…, signature=…` where the signature is
the hex HMAC-SHA256 of date + salt keyed with the API secret (a new salt per request: a
signature is accepted once). A 2xx answer carries `messageId` and `statusCode` "2000"
(accepted); errors carry `errorCode` and `errorMessage`.

Settings: SOLAPI_API_KEY, SOLAPI_API_SECRET, NOTIFICATIONS_SMS_SENDER (the registered
sending number), SOLAPI_KAKAO_PF_ID (the Kakao channel's pfId, for AlimTalk),
SOLAPI_BASE_URL (default https://api.solapi.com), SOLAPI_TIMEOUT_SECONDS."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import requests

from ..conf import setting
from . import ChannelError, MessageProvider, PhoneMessage

SMS_BYTES = 90  # longer texts (Korean: 2 bytes a character) go as LMS
# Answers that trying again cannot change: bad request, bad key or signature, no balance.
PERMANENT_HTTP = {400, 401, 402, 403, 404, 422}


def national(number: str) -> str:
    """Solapi takes Korean numbers in national form: +821012345678 -> 01012345678."""
    if number.startswith("+82"):
        return "0" + number[3:]
    return number.lstrip("+")


def authorization(api_key: str, secret: str, *, now: datetime | None = None, salt: str | None = None) -> str:
    date = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    salt = salt or secrets.token_hex(16)
    signature = hmac.new(secret.encode(), (date + salt).encode(), hashlib.sha256).hexdigest()
    return f"HMAC-SHA256 apiKey={api_key}, date={date}, salt={salt}, signature={signature}"


class SolapiProvider(MessageProvider):
    def __init__(self):
        self.api_key = setting("SOLAPI_API_KEY")
        self.secret = setting("SOLAPI_API_SECRET")
        self.base_url = setting("SOLAPI_BASE_URL").rstrip("/")
        self.sender = setting("NOTIFICATIONS_SMS_SENDER")
        self.timeout = setting("SOLAPI_TIMEOUT_SECONDS")

    def _send(self, message: dict) -> str:
        if not (self.api_key and self.secret and self.sender):
            raise ChannelError("Solapi is not configured (SOLAPI_API_KEY, SOLAPI_API_SECRET, "
                               "NOTIFICATIONS_SMS_SENDER)")
        try:
            response = requests.post(f"{self.base_url}/messages/v4/send", json={"message": message},
                                     headers={"Authorization": authorization(self.api_key, self.secret)},
                                     timeout=self.timeout)
        except requests.RequestException as error:
            raise ChannelError(f"Solapi unreachable: {type(error).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 300 or not isinstance(body, dict):
            code = body.get("errorCode", "") if isinstance(body, dict) else ""
            text = body.get("errorMessage", "") if isinstance(body, dict) else ""
            raise ChannelError(f"Solapi {response.status_code} {code}: {text}".strip()[:500],
                               permanent=response.status_code in PERMANENT_HTTP)
        status = str(body.get("statusCode", ""))
        if status and not status.startswith("2"):
            raise ChannelError(f"Solapi refused the message: {status} {body.get('statusMessage', '')}".strip(),
                               permanent=True)
        return str(body.get("messageId", ""))

    def send_sms(self, message: PhoneMessage) -> str:
        long = len(message.text.encode("euc-kr", errors="replace")) > SMS_BYTES
        payload = {"to": national(message.to), "from": self.sender, "text": message.text,
                   "type": "LMS" if long else "SMS"}
        if long and message.subject:
            payload["subject"] = message.subject[:20]
        return self._send(payload)

    def send_alimtalk(self, message: PhoneMessage) -> str:
        if not message.provider_template:
            raise ChannelError("the AlimTalk template has no Kakao template code", permanent=True)
        if not setting("SOLAPI_KAKAO_PF_ID"):
            raise ChannelError("Solapi AlimTalk is not configured (SOLAPI_KAKAO_PF_ID)")
        return self._send({"to": national(message.to), "from": self.sender, "text": message.text, "type": "ATA",
                           "kakaoOptions": {"pfId": setting("SOLAPI_KAKAO_PF_ID"),
                                            "templateId": message.provider_template,
                                            "variables": message.variables}})
