"""Who reacts to events: apps above register a handler under a unique key, for all
events or for the names a predicate accepts. A handler runs inside the dispatch
transaction together with its receipt, so it should only record what to do (a delivery
row) and start the work with `transaction.on_commit`; raising leaves the event to be
dispatched again for that subscriber (the others keep their receipts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Subscriber:
    key: str
    handler: Callable  # handler(event: Event) -> None
    wants: Callable[[str], bool]  # wants(event_name) -> bool


_subscribers: dict[str, Subscriber] = {}


def subscriber_register(key: str, handler: Callable, *, wants: Callable[[str], bool] | None = None) -> None:
    _subscribers[key] = Subscriber(key=key, handler=handler, wants=wants or (lambda name: True))


def subscribers_for(name: str) -> list[Subscriber]:
    return [subscriber for subscriber in _subscribers.values() if subscriber.wants(name)]
