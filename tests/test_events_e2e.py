"""An order tells everyone exactly once, through real processes: the order is committed
in a new workspace, the dispatch task goes through Redis to a real Celery worker, which
hands the event to notifications (an e-mail in the consumer's language, an in-app
notification) and to webhooks (one signed delivery to a receiver process that verifies it
with the official `standardwebhooks` verifier).

Then the failure the outbox exists for: the dispatch task of the next order is lost (the
process that committed it dies before the task reaches the broker). Nothing is sent until
the beat sweep runs on the worker, which delivers it; dispatching the same events again
(a redelivered task after a worker was killed mid-task, the sweep racing the task) sends
nothing twice."""

from __future__ import annotations

import json
import time

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.plugin import (
    PASSWORD,
    create_provisioned,
    read_live_mail,
    wait_for,
)

pytestmark = [pytest.mark.worker]

SLUG = "e2e-notify"
DINER = "diner@e2e-notify.test"


def test_an_order_tells_everyone_once_even_when_its_dispatch_is_lost(committed, celery_worker_process,
                                                                       live_server_mail, webhook_receiver_process,
                                                                       monkeypatch):
    from apps.branches.models import Branch
    from apps.catalog.services import item_create
    from apps.consumers.services import consumer_register
    from apps.events import services as event_services
    from apps.events.models import Event
    from apps.events.tasks import dispatch_event, sweep_events
    from apps.notifications.models import Notification
    from apps.orders.services import order_create
    from apps.webhooks.services import endpoint_create

    receiver = webhook_receiver_process
    tenant = create_provisioned(slug=committed.tenant_slug(SLUG), name="E2E Notify", business_type="food",
                                owner_email=committed.email("owner@e2e-notify.test"))
    registration = consumer_register(tenant=tenant, email=committed.email(DINER), password=PASSWORD,
                                     name="김다인", consents={"terms": True, "privacy": True, "marketing": False},
                                     language="ko")
    with schema_context(tenant.schema_name):
        owner = tenant.owner
        item = item_create(actor=owner, kind="menu_item", name="비빔밥", price=10000)
        branch = Branch.objects.create(name="본점")  # a restaurant's orders name their branch
        endpoint, secret = endpoint_create(url=receiver.url, events=["order.created"], actor=owner)
    receiver.reset(secrets=[secret])
    received = receiver.received

    def in_app(event):
        with schema_context(tenant.schema_name):
            return list(Notification.objects.filter(user=registration.user, event_name=event.name,
                                                    delivery__event=event))

    def place() -> Event:
        with schema_context(tenant.schema_name):
            order = order_create(customer=registration.customer, lines=[{"item": item.pk, "quantity": 1}],
                                 fulfilment="pickup", branch=branch, actor=registration.user)
            return Event.objects.get(name="order.created", data__order__id=order.pk)

    def mails() -> list[str]:
        return read_live_mail(live_server_mail, DINER)

    try:
        first = place()
        (delivery,) = wait_for(lambda: received(first.message_id), "the first order's webhook")
        assert delivery["verified_by"] == [0], delivery["errors"]  # the official verifier accepted it
        body = json.loads(delivery["body"])
        assert body["type"] == "order.created" and body["data"]["customer"]["name"] == "김다인"
        wait_for(lambda: len(mails()) == 1 and in_app(first), "the first order's e-mail and in-app notification")
        assert "김다인님, 안녕하세요" in mails()[0] and "비빔밥" in mails()[0]  # in the consumer's language
        assert len(in_app(first)) == 1

        # The next order's dispatch task never reaches the broker: nothing happens...
        monkeypatch.setattr(event_services, "_dispatch_later", lambda schema_name, event_id: None)
        second = place()
        monkeypatch.undo()
        time.sleep(3)
        assert received(second.message_id) == [] and len(mails()) == 1 and in_app(second) == []
        with schema_context(tenant.schema_name):
            assert Event.objects.get(pk=second.pk).dispatched_at is None
        # ...until the beat sweep runs on the worker
        connection.set_schema_to_public()
        sweep_events.delay(older_than_seconds=0)
        wait_for(lambda: received(second.message_id) and len(mails()) == 2 and in_app(second),
                 "the swept order's webhook, e-mail and in-app notification")

        # Dispatching both again (a redelivered task, the sweep racing it) sends nothing twice
        with schema_context(tenant.schema_name):
            for event in (first, second):
                dispatch_event.delay(event.pk)
        sweep_events.delay(older_than_seconds=0)
        time.sleep(5)
        assert len(received(first.message_id)) == 1 and len(received(second.message_id)) == 1
        assert len(mails()) == 2 and len(in_app(first)) == 1 and len(in_app(second)) == 1
        with schema_context(tenant.schema_name):
            assert not Event.objects.filter(dispatched_at__isnull=True).exists()
    finally:
        connection.set_schema_to_public()
