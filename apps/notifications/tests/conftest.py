from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.events.catalogue import CUSTOMER_REF, INTEGER, EventType, event_type_register, obj

NOTIFIED = event_type_register(EventType(
    name="test.notified", description="A test event for notifications", group="tests",
    schema=obj({"customer": CUSTOMER_REF, "n": INTEGER}), example={"customer": {"id": 7, "name": "Kim"}, "n": 1},
    audience=("customer", "owner")))
JSON = "application/json"
PASSWORD = "Quiet-harbour-2026"


def make_consumer(slug: str, email: str, *, language: str = "ko", marketing: bool = False, phone="010-2345-6789"):
    """A consumer registered on `slug` (account, membership, customer, consents): (user, customer)."""
    from apps.consumers.services import consumer_register
    from apps.tenants.models import Tenant

    registration = consumer_register(tenant=Tenant.objects.get(slug=slug), email=email, password=PASSWORD,
                                     name="Kim Minji", phone=phone, language=language,
                                     consents={"terms": True, "privacy": True, "marketing": marketing})
    connection.set_schema_to_public()
    return registration.user, registration.customer


@pytest.fixture
def consumer(db):
    return make_consumer("alpha", "minji@example.com")


def add_template(slug="alpha", **fields):
    from apps.notifications.services import template_create

    defaults = {"event": NOTIFIED.name, "audience": "customer", "channel": "email", "language": "en",
                "subject": "Ping {{ n }}", "body": "Hello {{ customer.name }}, ping {{ n }}."}
    with schema_context(slug):
        return template_create(actor=None, **{**defaults, **fields})


def workspace_set(slug="alpha", **fields):
    from apps.workspace.models import WorkspaceSettings
    from apps.workspace.services import workspace_settings_get

    with schema_context(slug):
        workspace_settings_get()
        WorkspaceSettings.objects.filter(pk=1).update(**fields)


def record(slug: str, data: dict, name: str = NOTIFIED.name):
    """Record the event and hand it to the subscribers (no worker: dispatched here)."""
    from apps.events.services import event_dispatch, event_record

    with schema_context(slug):
        event = event_record(name, data)
        event_dispatch(event_id=event.pk)
    return event
