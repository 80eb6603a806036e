"""The outbox: recording costs one insert in the caller's transaction, unknown events and
payloads that do not match the catalogue are refused, every subscriber handles an event
once however often it is dispatched, one failing subscriber holds back no other, and
the sweep finds what was left behind in every schema with one query."""

from __future__ import annotations

import jsonschema
import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from apps.events import sweep
from apps.events.catalogue import INTEGER, EventType, event_type_register, event_types, obj
from apps.events.models import Event, Receipt
from apps.events.services import event_dispatch, event_record
from apps.events.subscribers import _subscribers, subscriber_register

PINGED = event_type_register(EventType(name="test.events_pinged", label="Pinged", description="A test event",
                                       schema=obj({"n": INTEGER}),
                                       example={"n": 1}))


@pytest.fixture
def handled():
    """Two test subscribers recording what they saw; the second fails while `fail` holds."""
    seen = {"first": [], "second": [], "fail": True}

    def first(event):
        seen["first"].append(event.data["n"])

    def second(event):
        if seen["fail"]:
            raise RuntimeError("receiver down")
        seen["second"].append(event.data["n"])

    subscriber_register("test-first", first, wants=lambda name: name == PINGED.name)
    subscriber_register("test-second", second, wants=lambda name: name == PINGED.name)
    yield seen
    _subscribers.pop("test-first")
    _subscribers.pop("test-second")


def test_recording_costs_one_insert(tenant_alpha, django_assert_num_queries):
    with schema_context(tenant_alpha.schema_name), transaction.atomic():
        with django_assert_num_queries(1):
            event = event_record(PINGED.name, {"n": 1})
    assert event.name == "test.events_pinged" and event.dispatched_at is None and event.message_id.startswith("msg_")


def test_unknown_events_and_wrong_payloads_are_refused(tenant_alpha):
    with schema_context(tenant_alpha.schema_name):
        with pytest.raises(ValueError, match="not in the event catalogue"):
            event_record("order.teleported", {"n": 1})
        with pytest.raises(jsonschema.ValidationError):
            event_record(PINGED.name, {"n": "one"})
        assert not Event.objects.exists()
    with pytest.raises(ValueError, match="public schema"):
        event_record(PINGED.name, {"n": 1})


def test_an_event_types_schema_is_checked_once_not_at_every_event(tenant_alpha, monkeypatch):
    """jsonschema.validate checks the schema against its metaschema on every call, which
    costs more than checking the payload: the validator is built once per event type."""
    from apps.events import catalogue

    monkeypatch.setattr(catalogue, "_validators", {})
    checked = []
    real = jsonschema.validators.validator_for(PINGED.schema).check_schema
    monkeypatch.setattr(jsonschema.validators.validator_for(PINGED.schema), "check_schema",
                        lambda schema: checked.append(schema) or real(schema))
    with schema_context(tenant_alpha.schema_name), transaction.atomic():
        for n in range(3):
            event_record(PINGED.name, {"n": n})
        with pytest.raises(jsonschema.ValidationError):
            event_record(PINGED.name, {"n": "three"})
    assert checked == [PINGED.schema]


def test_a_platform_service_records_into_the_tenants_outbox(tenant_alpha):
    assert connection.schema_name == "public"
    event_record(PINGED.name, {"n": 5}, tenant=tenant_alpha)
    with schema_context(tenant_alpha.schema_name):
        assert list(Event.objects.values_list("name", "data")) == [("test.events_pinged", {"n": 5})]


def test_each_subscriber_handles_an_event_once(tenant_alpha, handled):
    with schema_context(tenant_alpha.schema_name):
        event = event_record(PINGED.name, {"n": 7})
        assert event_dispatch(event_id=event.pk) is False  # the second subscriber failed
        event.refresh_from_db()
        assert event.dispatched_at is None and event.attempts == 1 and "receiver down" in event.last_error
        assert handled["first"] == [7] and handled["second"] == []
        handled["fail"] = False
        assert event_dispatch(event_id=event.pk) is True
        assert handled["first"] == [7] and handled["second"] == [7]  # the first did not run again
        assert event_dispatch(event_id=event.pk) is False  # dispatched: nothing more happens
        assert handled["first"] == [7] and handled["second"] == [7]
        assert sorted(Receipt.objects.filter(event=event, subscriber__startswith="test-")
                      .values_list("subscriber", flat=True)) == ["test-first", "test-second"]


def test_the_sweep_dispatches_what_was_left_in_every_schema(tenant_alpha, tenant_beta, handled,
                                                            django_assert_max_num_queries):
    handled["fail"] = False
    for tenant, n in ((tenant_alpha, 1), (tenant_beta, 2)):
        with schema_context(tenant.schema_name):
            event_record(PINGED.name, {"n": n})  # no commit in this test: no dispatch task was sent
    with django_assert_max_num_queries(3):  # search_path, the schemas' list, one query for up to 200 schemas
        found = sweep.schemas_with_pending(older_than_seconds=0)
    assert set(found) == {tenant_alpha.schema_name, tenant_beta.schema_name}
    assert sweep.events_sweep(older_than_seconds=0) == {tenant_alpha.schema_name: 1, tenant_beta.schema_name: 1}
    assert sorted(handled["first"]) == [1, 2] and sorted(handled["second"]) == [1, 2]
    assert sweep.events_sweep(older_than_seconds=0) == {}
    assert "_tenant_template" not in sweep.outbox_schemas()


def test_a_recent_event_is_left_to_its_task(tenant_alpha, handled):
    with schema_context(tenant_alpha.schema_name):
        event_record(PINGED.name, {"n": 3})
    assert sweep.events_sweep(older_than_seconds=60) == {}
    assert handled["first"] == []


def test_every_catalogued_event_has_a_valid_example_and_a_description():
    names = [event_type.name for event_type in event_types()]
    for expected in ("order.created", "order.status_changed", "order.cancelled", "payment.succeeded",
                     "refund.succeeded", "invoice.issued", "customer.created", "staff.invited", "tenant.suspended"):
        assert expected in names
    for event_type in event_types():
        jsonschema.validate(event_type.example, event_type.schema)
        assert str(event_type.description)
