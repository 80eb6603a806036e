"""The webhook receiver (tests/webhook_receiver.py) as its own process for the module's
tests, a test-only event type, and helpers that run the event -> delivery flow in this
process (Celery's eager mode, the on-commit callbacks executed)."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager

import pytest
import requests
from django.db import connection
from django.test import TestCase
from django_tenants.utils import schema_context

from apps.core.tasks_inline import tasks_in_process
from apps.events import catalogue
from apps.events.catalogue import INTEGER, EventType, event_type_register, obj
from tests.plugin import ARTIFACTS, ROOT, _free_port, _stop, _wait_for_port

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


class Receiver:
    def __init__(self, port: int):
        self.port = port
        self.url = f"http://127.0.0.1:{port}/hook"

    def control(self, **command):
        response = requests.post(f"http://127.0.0.1:{self.port}/_control", json=command, timeout=5)
        response.raise_for_status()

    def received(self) -> list[dict]:
        return requests.get(f"http://127.0.0.1:{self.port}/_control", timeout=5).json()["received"]

    def reset(self, secrets=(), **config):
        self.control(**{"reset": True, "clock": None, "secrets": list(secrets), "fail_first": 0, "fail_status": 500,
                        "status": None, "delay": 0, "redirect": None, **config})


@pytest.fixture(scope="session")
def receiver_process():
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    log = ARTIFACTS / "webhook-receiver.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "webhook_receiver.py"), "--port", str(port)],
                                   cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    _wait_for_port(port, process, log, seconds=20)
    yield Receiver(port)
    _stop(process, seconds=5)


@pytest.fixture
def receiver(receiver_process, settings, db):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # the receiver listens on loopback
    receiver_process.reset()
    yield receiver_process
    receiver_process.control(clock=None)


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
