from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

_handlers: dict[tuple[str, str], Callable] = {}
# What a person reads for a source and an event type (the sender's codes otherwise).
_source_labels: dict[str, str] = {}
_event_labels: dict[tuple[str, str], str] = {}


def inbound_handler(source: str, event_type: str, *, label=None):
    """Register `handler(event)` for one source and event type; `label`: what the ops
    portal shows for the type ("Payment succeeded"), in the reader's language."""

    def register(handler: Callable) -> Callable:
        _handlers[(source, event_type)] = handler
        if label is not None:
            _event_labels[(source, event_type)] = label
        return handler

    return register


def inbound_source(source: str, *, label) -> None:
    """Name a source for people ("Service market")."""
    _source_labels[source] = label


def source_label(source: str) -> str:
    return str(_source_labels.get(source, source))


def event_type_label(source: str, event_type: str) -> str:
    """The label of a type a handler registered; any other type as the sender wrote it."""
    return str(_event_labels.get((source, event_type), event_type))


def type_label(event_type: str) -> str:
    """An event type's label whatever its source (the list filter's)."""
    labels = sorted({str(label) for (_source, known), label in _event_labels.items() if known == event_type})
    return " / ".join(labels) or event_type


def handler_for(source: str, event_type: str) -> Callable | None:
    return _handlers.get((source, event_type))


def event_types(source: str) -> list[str]:
    return sorted(t for s, t in _handlers if s == source)


def autodiscover() -> None:
    from django.apps import apps

    for config in apps.get_app_configs():
        module = f"{config.name}.inbound"
        if config.name.startswith("apps.") and importlib.util.find_spec(module):
            importlib.import_module(module)
