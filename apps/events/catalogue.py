"""The event catalogue: every domain event the platform publishes, with its version, a
description people read, the JSON schema of its `data` and an example. Apps declare
theirs in `apps/<app>/events.py` with `event_type_register`; the webhook API lists the
catalogue (`GET /api/v1/webhook-events/`), the OpenAPI documents it, recording an event
that is not in it is a programming error, and in development and tests every recorded
payload is checked against its schema (`EVENTS_VALIDATE_PAYLOADS`).

`audience` names who a notification about the event may be for ("customer": the customer
the event is about, `data.customer.id`; "staff": the workspace's staff; "owner": the
business owner); the notifications app resolves them."""

from __future__ import annotations

from dataclasses import dataclass, field

import jsonschema
from django.utils.functional import Promise


@dataclass(frozen=True)
class EventType:
    name: str  # "order.created": <resource>.<what happened>
    description: str | Promise
    schema: dict  # JSON schema of the payload's `data`
    example: dict  # a `data` that satisfies the schema
    label: str | Promise = ""  # what people read for it ("Order placed")
    version: int = 1
    audience: tuple[str, ...] = field(default=())
    group: str = ""  # the app that publishes it (label), for lists


_catalogue: dict[str, EventType] = {}


def event_type_register(event_type: EventType) -> EventType:
    if event_type.name in _catalogue and _catalogue[event_type.name] != event_type:
        raise ValueError(f"event type {event_type.name} is declared twice")
    _catalogue[event_type.name] = event_type
    return event_type


def payload_check(event_type: EventType, data: dict) -> None:
    """Raise jsonschema.ValidationError unless `data` matches the event type's schema. The
    validator is built once per event type: `jsonschema.validate` checks the schema itself
    against its metaschema on every call, which cost more than the check of the payload
    (a seventh of `manage.py seed_demo`'s time went to it)."""
    validator = _validators.get(event_type.name)
    if validator is None:
        cls = jsonschema.validators.validator_for(event_type.schema)
        cls.check_schema(event_type.schema)
        validator = _validators[event_type.name] = cls(event_type.schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise error


_validators: dict[str, jsonschema.protocols.Validator] = {}


def event_types() -> list[EventType]:
    return sorted(_catalogue.values(), key=lambda event_type: event_type.name)


def event_type_get(name: str) -> EventType | None:
    return _catalogue.get(name)


def event_label(name: str) -> str:
    """What a person reads for an event: its label, or the name of an event no app
    declares (yet), made readable."""
    event_type = _catalogue.get(name)
    if event_type is not None and event_type.label:
        return str(event_type.label)
    return name.replace(".", " ").replace("_", " ").capitalize()


def obj(properties: dict, *, required: list[str] | None = None) -> dict:
    """A JSON-schema object with these properties, all required unless told otherwise."""
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required}


# Shapes used by many payloads
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NULLABLE_STRING = {"type": ["string", "null"]}
DATETIME = {"type": "string", "format": "date-time"}
MONEY = obj({"amount": INTEGER, "currency": STRING})  # integer minor units (KRW: won)
CUSTOMER_REF = obj({"id": INTEGER, "name": STRING})
