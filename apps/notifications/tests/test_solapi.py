"""The Solapi adapter against a local double of its documented HTTP API (real HTTP on
loopback): the HMAC-SHA256 Authorization header, the v4 send body for SMS, LMS and
AlimTalk, its answers and its errors (permanent or worth a retry)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django_tenants.utils import schema_context

from apps.notifications.channels import ChannelError, PhoneMessage
from apps.notifications.channels.solapi import SolapiProvider
from apps.notifications.dispatch import delivery_send
from apps.notifications.models import Delivery

from .conftest import add_template, record, workspace_set

KEY, SECRET = "NCSTESTKEY0001", "test-secret-0123456789"
AUTH = re.compile(r"^HMAC-SHA256 apiKey=(?P<key>[^,]+), date=(?P<date>[^,]+), salt=(?P<salt>[^,]+), "
                  r"signature=(?P<signature>[0-9a-f]{64})$")


class SolapiDouble(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        server = self.server
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        match = AUTH.match(self.headers.get("Authorization", ""))
        server.received.append({"path": self.path, "body": body, "auth": match and match.groupdict()})
        expected = match and hmac.new(SECRET.encode(), (match["date"] + match["salt"]).encode(),
                                      hashlib.sha256).hexdigest()
        if not match or match["key"] != KEY or match["signature"] != expected or match["salt"] in server.salts:
            return self._answer(403, {"errorCode": "SignatureDoesNotMatch", "errorMessage": "bad signature"})
        server.salts.add(match["salt"])
        if server.answers:
            status, answer = server.answers.pop(0)
            return self._answer(status, answer)
        message = body["message"]
        return self._answer(200, {"groupId": "G4V2026", "messageId": f"M4V{len(server.received):04d}",
                                  "statusCode": "2000", "statusMessage": "정상 접수(이통사로 접수 예정) ",
                                  "to": message["to"], "from": message["from"], "type": message.get("type", "SMS"),
                                  "country": "82", "accountId": "12925149"})

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def solapi():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SolapiDouble)
    server.received, server.answers, server.salts = [], [], set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with override_settings(SOLAPI_BASE_URL=f"http://127.0.0.1:{server.server_port}", SOLAPI_API_KEY=KEY,
                           SOLAPI_API_SECRET=SECRET, NOTIFICATIONS_SMS_SENDER="0212345678",
                           SOLAPI_KAKAO_PF_ID="KA01PF2026",
                           NOTIFICATIONS_SMS_PROVIDER="apps.notifications.channels.solapi.SolapiProvider",
                           NOTIFICATIONS_ALIMTALK_PROVIDER="apps.notifications.channels.solapi.SolapiProvider"):
        yield server
    server.shutdown()
    server.server_close()


def test_sms_lms_and_alimtalk_requests(solapi):
    provider = SolapiProvider()
    assert provider.send_sms(PhoneMessage(to="+821012345678", text="주문이 접수되었습니다")) == "M4V0001"
    provider.send_sms(PhoneMessage(to="+821012345678", text="가" * 60, subject="긴 안내"))
    provider.send_alimtalk(PhoneMessage(to="+821012345678", text="알림톡 본문", provider_template="TPL_ORDER_1"))
    sms, lms, ata = (request["body"]["message"] for request in solapi.received)
    assert all(request["path"] == "/messages/v4/send" for request in solapi.received)
    assert sms == {"to": "01012345678", "from": "0212345678", "text": "주문이 접수되었습니다", "type": "SMS"}
    assert (lms["type"], lms["subject"]) == ("LMS", "긴 안내")
    assert ata["type"] == "ATA" and ata["kakaoOptions"] == {"pfId": "KA01PF2026", "templateId": "TPL_ORDER_1",
                                                             "variables": {}}
    assert len({request["auth"]["salt"] for request in solapi.received}) == 3  # a new signature each time


def test_errors_are_permanent_or_retried(solapi):
    provider = SolapiProvider()
    solapi.answers[:] = [(400, {"errorCode": "ValidationError", "errorMessage": "invalid number"}),
                         (500, {"errorCode": "InternalError", "errorMessage": "try later"}),
                         (200, {"messageId": "M1", "statusCode": "3059", "statusMessage": "blocked number"})]
    with pytest.raises(ChannelError) as bad:
        provider.send_sms(PhoneMessage(to="+821012345678", text="x"))
    with pytest.raises(ChannelError) as down:
        provider.send_sms(PhoneMessage(to="+821012345678", text="x"))
    with pytest.raises(ChannelError) as refused:
        provider.send_sms(PhoneMessage(to="+821012345678", text="x"))
    assert bad.value.permanent and "ValidationError" in bad.value.reason
    assert not down.value.permanent and "500" in down.value.reason
    assert refused.value.permanent and "3059" in refused.value.reason
    with override_settings(SOLAPI_API_SECRET="wrong"), pytest.raises(ChannelError) as forged:
        SolapiProvider().send_sms(PhoneMessage(to="+821012345678", text="x"))
    assert forged.value.permanent and "SignatureDoesNotMatch" in forged.value.reason
    with override_settings(SOLAPI_BASE_URL="http://127.0.0.1:9"), pytest.raises(ChannelError) as unreachable:
        SolapiProvider().send_sms(PhoneMessage(to="+821012345678", text="x"))
    assert not unreachable.value.permanent


def test_a_delivery_through_solapi(solapi, consumer):
    _user, customer = consumer
    workspace_set(notify_sms=True)
    add_template(channel="sms", language="ko", body="[알파] 알림 {{ n }}")
    solapi.answers[:] = [(503, {"errorCode": "ServiceUnavailable", "errorMessage": "busy"})]
    record("alpha", {"customer": {"id": customer.pk, "name": customer.name}, "n": 3})
    with schema_context("alpha"):
        delivery = Delivery.objects.get()
        first = delivery_send(delivery_id=delivery.pk)
        assert first.status == "retrying" and "503" in first.last_error
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=first.created_at)
        second = delivery_send(delivery_id=delivery.pk)
    assert (second.status, second.attempts, second.provider_message_id) == ("sent", 2, "M4V0002")
    assert solapi.received[-1]["body"]["message"]["text"] == "[알파] 알림 3"
