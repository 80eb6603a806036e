"""End to end through real processes: an event recorded and committed in alpha goes
through a real Celery worker (events.dispatch -> the webhooks subscriber ->
webhooks.deliver) to the receiver process, which verifies the signature."""

import time

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context


@pytest.mark.skipif(not getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", False),
                    reason="the worker must be allowed to call the loopback receiver (test settings)")
def test_an_event_reaches_the_receiver_through_a_real_worker(committed, celery_worker_process,
                                                             webhook_receiver_process):
    from apps.events.models import Event
    from apps.events.services import event_record
    from apps.webhooks.models import WebhookEndpoint
    from apps.webhooks.services import endpoint_create

    with schema_context("alpha"):
        endpoint, secret = endpoint_create(url=webhook_receiver_process.url, events=["test.pinged"], actor=None)
    webhook_receiver_process.reset(secrets=[secret])
    try:
        with schema_context("alpha"):
            event = event_record("test.pinged", {"n": 1})
        deadline = time.monotonic() + 60
        while not webhook_receiver_process.received() and time.monotonic() < deadline:
            time.sleep(0.2)
        (got,) = webhook_receiver_process.received()
        assert got["verified_by"] == [0], got["errors"]
        assert got["headers"]["webhook-id"] == event.message_id
    finally:
        with schema_context("alpha"):
            WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
            Event.objects.filter(pk=event.pk).delete()
        connection.set_schema_to_public()
