"""The webhook receiver (tests.plugin.WebhookReceiver, reset for each test), test-only
event types, and helpers that run the event -> delivery flow in this process (Celery's
eager mode, the on-commit callbacks executed)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import TestCase
from django_tenants.utils import schema_context

from apps.core.tasks_inline import tasks_in_process
from apps.events import catalogue
from apps.events.catalogue import INTEGER, EventType, event_type_register, obj

TEST_EVENTS = [EventType(name="test.pinged", description="A test event.", schema=obj({"n": INTEGER}),
                         example={"n": 1}, group="tests"),
               EventType(name="test.other", description="Another test event.", schema=obj({"n": INTEGER}),
                         example={"n": 1}, group="tests")]


@pytest.fixture(autouse=True)
def test_events():
    """Event types only these tests publish, in the catalogue while they run."""
    for event_type in TEST_EVENTS:
        event_type_register(event_type)
    yield TEST_EVENTS
    for event_type in TEST_EVENTS:
        catalogue._catalogue.pop(event_type.name, None)


@pytest.fixture
def receiver(webhook_receiver_process, settings, db):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # the receiver listens on loopback
    webhook_receiver_process.reset()
    yield webhook_receiver_process
    webhook_receiver_process.control(clock=None)


@contextmanager
def inline():
    """Tasks sent inside run here; on-commit callbacks (and those they add) run on leaving."""
    with tasks_in_process(), TestCase.captureOnCommitCallbacks(execute=True):
        yield
    connection.set_schema_to_public()


def record(name: str = "test.pinged", n: int = 1, schema: str = "alpha"):
    """Record an event in `schema` and run its whole fan-out and first attempts here."""
    from apps.events.services import event_record

    with inline():
        with schema_context(schema):
            event = event_record(name, {"n": n})
    return event


def run_due(schema: str = "alpha"):
    """What beat's webhooks.retry_due does, with its tasks run here."""
    from apps.webhooks.sweep import deliveries_due_send

    with inline():
        return deliveries_due_send()


def run_delivery(delivery_id: int, schema: str = "alpha"):
    """What a queued webhooks.deliver task does when it runs (e.g. after its countdown)."""
    from apps.webhooks.tasks import deliver

    with inline():
        with schema_context(schema):
            return deliver(delivery_id)
