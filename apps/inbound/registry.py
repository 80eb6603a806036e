from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

_handlers: dict[tuple[str, str], Callable] = {}


def inbound_handler(source: str, event_type: str):
    """Register `handler(event)` for one source and event type."""

    def register(handler: Callable) -> Callable:
        _handlers[(source, event_type)] = handler
        return handler

    return register


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
