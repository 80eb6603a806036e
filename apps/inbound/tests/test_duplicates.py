"""A webhook delivered more than once (the provider retries or replays it, or a worker
restart redelivers its task: tasks are acks_late) has its effect once. These tests count
the handler's runs and its audit events, not the stored rows: a duplicate that is
stored once but processed again must fail here.

Queued work runs through the real task, eagerly (Celery's test mode), when the
transaction that queued it commits."""

import json
import time
import uuid
from datetime import datetime, timezone

import pytest
from django.test import RequestFactory
from standardwebhooks.webhooks import Webhook

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.inbound.models import InboundEvent
from apps.inbound.registry import inbound_handler
from apps.inbound.services import inbound_receive
from apps.inbound.tasks import process_inbound_event

SECRET = "whsec_" + "ZHVwbGljYXRlLXdlYmhvb2stdGVzdC1zZWNyZXQ="
SOURCE = "inbound-dup-test"
runs: list[str] = []


@inbound_handler(SOURCE, "order.paid")
def _order_paid(event):
    runs.append(event.event_id)
    audit_record(action="dup_test.order_paid", metadata={"event": event.event_id})


@pytest.fixture(autouse=True)
def _counting():
    runs.clear()
    yield
    runs.clear()


@pytest.fixture
def eager_tasks():
    from platform_.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def _request(msg_id: str):
    body = json.dumps({"type": "order.paid", "data": {"order": 42}})
    stamp = int(time.time())
    signature = Webhook(SECRET).sign(msg_id, datetime.fromtimestamp(stamp, tz=timezone.utc), body)
    return RequestFactory().post("/hook/", body, content_type="application/json", HTTP_WEBHOOK_ID=msg_id,
                                 HTTP_WEBHOOK_TIMESTAMP=str(stamp), HTTP_WEBHOOK_SIGNATURE=signature)


def _effects(msg_id: str) -> tuple[list[str], int]:
    handled = AuditEvent.objects.filter(action="dup_test.order_paid", metadata__event=msg_id).count()
    return list(runs), handled


def test_duplicate_after_processing_is_not_processed_again(db, eager_tasks, django_capture_on_commit_callbacks):
    msg_id = f"msg_{uuid.uuid4().hex}"
    with django_capture_on_commit_callbacks(execute=True):
        first, created = inbound_receive(source=SOURCE, request=_request(msg_id), secret=SECRET)
    assert created
    first.refresh_from_db()
    assert first.status == InboundEvent.Status.PROCESSED and first.attempts == 1
    assert _effects(msg_id) == ([msg_id], 1)

    queued_by_retries = []
    for _retry in range(2):  # the provider did not see our 2xx and retries
        with django_capture_on_commit_callbacks(execute=True) as queued:
            again, created_again = inbound_receive(source=SOURCE, request=_request(msg_id), secret=SECRET)
        assert not created_again and again.pk == first.pk
        queued_by_retries += queued
    assert _effects(msg_id) == ([msg_id], 1)
    again.refresh_from_db()
    assert again.status == InboundEvent.Status.PROCESSED and again.attempts == 1
    assert queued_by_retries == [], "a duplicate queues no processing"


def test_duplicate_before_processing_is_processed_once(db, eager_tasks, django_capture_on_commit_callbacks):
    msg_id = f"msg_{uuid.uuid4().hex}"
    with django_capture_on_commit_callbacks(execute=False) as first_queued:  # the worker has not run yet
        first, _created = inbound_receive(source=SOURCE, request=_request(msg_id), secret=SECRET)
    with django_capture_on_commit_callbacks(execute=True):
        inbound_receive(source=SOURCE, request=_request(msg_id), secret=SECRET)
    for callback in first_queued:
        callback()
    assert _effects(msg_id) == ([msg_id], 1)
    assert InboundEvent.objects.get(pk=first.pk).attempts == 1


def test_redelivered_task_does_not_run_the_handler_again(db, django_capture_on_commit_callbacks):
    msg_id = f"msg_{uuid.uuid4().hex}"
    with django_capture_on_commit_callbacks(execute=False):
        event, _created = inbound_receive(source=SOURCE, request=_request(msg_id), secret=SECRET)
    assert process_inbound_event.apply(args=[event.pk]).get() == InboundEvent.Status.PROCESSED
    assert process_inbound_event.apply(args=[event.pk]).get() == InboundEvent.Status.PROCESSED
    assert _effects(msg_id) == ([msg_id], 1)
    assert InboundEvent.objects.get(pk=event.pk).attempts == 1
