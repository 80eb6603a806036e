import json
import time
import uuid

import pytest
from django.test import RequestFactory
from standardwebhooks.webhooks import Webhook

from apps.audit.models import AuditEvent
from apps.inbound.errors import EventNotRetryable, InvalidSignature, MalformedWebhook, StaleWebhook, UnknownEventType
from apps.inbound.models import InboundEvent
from apps.inbound.registry import inbound_handler
from apps.inbound.services import inbound_process, inbound_receive, inbound_retry

SECRET = "whsec_" + "dGVzdC1zZWNyZXQtZm9yLWluYm91bmQtd2ViaG9va3M="
SOURCE = "inbound-test"
calls = []


@inbound_handler(SOURCE, "thing.happened")
def _thing_happened(event):
    if event.data.get("explode"):
        raise RuntimeError("handler exploded")
    calls.append(event.data["n"])


def signed_request(body, *, msg_id=None, timestamp=None, secret=SECRET):
    body = body if isinstance(body, str) else json.dumps(body)
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    stamp = timestamp or int(time.time())
    from datetime import datetime, timezone

    signature = Webhook(secret).sign(msg_id, datetime.fromtimestamp(stamp, tz=timezone.utc), body)
    return RequestFactory().post("/hook/", body, content_type="application/json", HTTP_WEBHOOK_ID=msg_id,
                                 HTTP_WEBHOOK_TIMESTAMP=str(stamp), HTTP_WEBHOOK_SIGNATURE=signature)


def receive(request):
    return inbound_receive(source=SOURCE, request=request, secret=SECRET)


def test_valid_event_is_stored_then_processed_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        event, created = receive(signed_request({"type": "thing.happened", "data": {"n": 1}}))
    assert created and event.status == InboundEvent.Status.RECEIVED and len(queued) == 1
    calls.clear()
    assert inbound_process(event_pk=event.pk).status == InboundEvent.Status.PROCESSED
    assert inbound_process(event_pk=event.pk).status == InboundEvent.Status.PROCESSED
    assert calls == [1]


def test_duplicate_event_id_is_ignored(db):
    request = signed_request({"type": "thing.happened", "data": {"n": 2}}, msg_id="msg_dup")
    first, created = receive(request)
    again, created_again = receive(signed_request({"type": "thing.happened", "data": {"n": 2}}, msg_id="msg_dup"))
    assert created and not created_again and again.pk == first.pk
    assert InboundEvent.objects.filter(event_id="msg_dup").count() == 1


@pytest.mark.parametrize("tamper", ["secret", "body"])
def test_bad_signature_is_rejected_and_stored(db, tamper):
    request = signed_request({"type": "thing.happened", "data": {"n": 3}}, msg_id="msg_bad",
                             secret=("whsec_" + "b3RoZXI=") if tamper == "secret" else SECRET)
    if tamper == "body":
        request._body = request.body.replace(b"3", b"4")
    with pytest.raises(InvalidSignature) as exc:
        receive(request)
    assert exc.value.status == 401
    stored = InboundEvent.objects.get(event_id="msg_bad")
    assert stored.status == InboundEvent.Status.REJECTED and "invalid_signature" in stored.error
    assert AuditEvent.objects.filter(action="webhook.signature_failed", category="security").exists()


def test_rejected_forgery_does_not_block_the_real_event(db):
    with pytest.raises(InvalidSignature):
        receive(signed_request({"type": "thing.happened", "data": {"n": 5}}, msg_id="msg_x", secret="whsec_b3RoZXI="))
    event, created = receive(signed_request({"type": "thing.happened", "data": {"n": 5}}, msg_id="msg_x"))
    assert created


def test_stale_timestamp_is_rejected(db):
    with pytest.raises(StaleWebhook):
        receive(signed_request({"type": "thing.happened", "data": {}}, timestamp=int(time.time()) - 6 * 60))


@pytest.mark.parametrize("body", ["{not json", json.dumps([1, 2]), json.dumps({"type": "thing.happened"})])
def test_malformed_body_is_rejected_and_kept(db, body):
    with pytest.raises(MalformedWebhook) as exc:
        receive(signed_request(body, msg_id="msg_malformed"))
    assert exc.value.status == 400
    assert InboundEvent.objects.get(event_id="msg_malformed").status == InboundEvent.Status.REJECTED


def test_unknown_event_type_is_rejected(db):
    with pytest.raises(UnknownEventType) as exc:
        receive(signed_request({"type": "thing.unknown", "data": {}}, msg_id="msg_unknown"))
    assert "thing.happened" in str(exc.value.message)
    assert InboundEvent.objects.get(event_id="msg_unknown").event_type == "thing.unknown"


def test_failed_handler_is_recorded_and_retry_processes_again(db, hq_user, django_capture_on_commit_callbacks):
    event, _ = receive(signed_request({"type": "thing.happened", "data": {"explode": True, "n": 9}}))
    failed = inbound_process(event_pk=event.pk)
    assert failed.status == InboundEvent.Status.FAILED and "handler exploded" in failed.error
    with django_capture_on_commit_callbacks(execute=False) as queued:
        inbound_retry(event=failed, actor=hq_user)
    assert len(queued) == 1
    assert AuditEvent.objects.filter(action="webhook.retried", actor=hq_user).exists()
    again = inbound_process(event_pk=event.pk)
    assert again.status == InboundEvent.Status.FAILED and again.attempts == 2


def test_only_failed_events_can_be_retried(db, hq_user):
    event, _ = receive(signed_request({"type": "thing.happened", "data": {"n": 1}}))
    with pytest.raises(EventNotRetryable) as exc:
        inbound_retry(event=event, actor=hq_user)
    assert exc.value.code == "event_not_retryable" and exc.value.status == 409
