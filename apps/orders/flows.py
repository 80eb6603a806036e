"""Order flows on the shared state machine (apps.core.states): which status may follow
which, what a person reads for each status, which statuses are done (reviews need it)
and when the customer may still cancel.

Every order names its flow (`Order.flow`). This module registers the "standard" flow:

    placed -> confirmed -> completed
      |           |
      +-----------+-> cancelled

A business module brings its own flow by extending one, in its AppConfig.ready():

    kitchen = flow_named("standard").extend(
        "food", {"confirmed": {"preparing", "cancelled"}, "preparing": {"ready"}, "ready": {"completed"}},
        labels={"preparing": pgettext_lazy("order status", "Preparing"), ...})
    flow_chooser_register(lambda kind: "food" if kind == "order" else None)

and new orders of that kind follow it (`flow_for_new`); existing orders keep theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from apps.core.states import StateMachine

from .errors import IllegalOrderTransition
from .models import Order, OrderTransition

PLACED, CONFIRMED, COMPLETED, CANCELLED = "placed", "confirmed", "completed", "cancelled"

_LABELS: dict[str, Any] = {}
FLOWS: dict[str, Flow] = {}
_CHOOSERS: list[Callable[[str], str | None]] = []


def status_label(code: str) -> str:
    """What a person reads for a status of any flow (an unknown code reads as itself made readable)."""
    label = _LABELS.get(code)
    return str(label) if label is not None else (code or "").replace("_", " ").capitalize()


def status_choices() -> list[tuple[str, str]]:
    """(code, label) of every status some flow uses, in the order flows declared them."""
    seen: dict[str, str] = {}
    for flow in FLOWS.values():
        for code in flow.statuses:
            seen.setdefault(code, status_label(code))
    return list(seen.items())


def _history(order: Order, move, actor, reason: str) -> None:
    OrderTransition.objects.create(order=order, from_status=move.from_status, to_status=move.to_status,
                                   actor=actor, reason=reason or "")


def order_machine(transitions: Mapping[str, Iterable[str]]) -> StateMachine:
    """A state machine for order statuses: labels from the registry, history in
    OrderTransition, illegal moves a 409 `order_illegal_transition`."""
    return StateMachine(transitions, label=status_label, illegal=IllegalOrderTransition,
                        message=IllegalOrderTransition.message, history=_history)


@dataclass(frozen=True)
class Flow:
    name: str
    machine: StateMachine
    done: frozenset[str]
    customer_cancellable: Callable[[Order], bool]
    order: tuple[str, ...]  # the statuses in the order people go through them (filters, lists)
    initial: str = PLACED
    cancelled: str = CANCELLED
    # The business turning an order down before taking it (food: "rejected"): ends it like
    # a cancellation (stock and coupon back), under its own status.
    rejected: str | None = None
    # on_move(order, move, *, actor, reason, details): the business module's part of every
    # move (its own checks, raising to refuse; its rows), in the move's transaction with
    # the order locked, before the audit row and the event.
    on_move: Callable[..., None] | None = None

    @property
    def ends(self) -> frozenset[str]:
        """The statuses that end the order without it being done (cancelled, rejected)."""
        return frozenset(code for code in (self.cancelled, self.rejected) if code)

    @property
    def statuses(self) -> tuple[str, ...]:
        return self.order + tuple(sorted(self.machine.states - set(self.order)))

    def label(self, status: str) -> str:
        return status_label(status)

    def allowed(self, status: str) -> list[str]:
        """The statuses an order in `status` may move to, in the flow's order."""
        targets = self.machine.allowed(status)
        return [code for code in self.statuses if code in targets]

    def is_done(self, status: str) -> bool:
        return status in self.done

    def customer_may_cancel(self, order: Order) -> bool:
        return self.machine.can(order.status, self.cancelled) and bool(self.customer_cancellable(order))

    def extend(self, name: str, transitions: Mapping[str, Iterable[str]], *, labels: Mapping[str, Any],
               done: Iterable[str] | None = None,
               customer_cancellable: Callable[[Order], bool] | Iterable[str] | None = None) -> Flow:
        """Register flow `name`: this flow's moves plus `transitions` (a status listed there
        gets exactly the listed targets), with labels for the new statuses."""
        return register_flow(name, self.machine.extend(transitions), labels=labels,
                             done=self.done if done is None else done,
                             customer_cancellable=(self.customer_cancellable if customer_cancellable is None
                                                   else customer_cancellable),
                             initial=self.initial, cancelled=self.cancelled,
                             order=[*self.order, *(code for code in labels if code not in self.order)])


def register_flow(name: str, machine: StateMachine, *, customer_cancellable: Callable[[Order], bool] | Iterable[str],
                  done: Iterable[str], labels: Mapping[str, Any], initial: str = PLACED, cancelled: str = CANCELLED,
                  order: Iterable[str] | None = None, rejected: str | None = None,
                  on_move: Callable[..., None] | None = None) -> Flow:
    """Make flow `name` known (registering a name again replaces it). `customer_cancellable`:
    the statuses in which the customer may cancel, or a function of the order; `labels`:
    {status: lazy label} for the statuses this flow brings; `rejected`: the status the
    business turns an order down to; `on_move`: see Flow."""
    unlabelled = sorted(code for code in machine.states if code not in labels and code not in _LABELS)
    if unlabelled:
        raise ImproperlyConfigured(f"Order flow {name!r}: statuses without a label: {unlabelled}")
    if not callable(customer_cancellable):
        states = frozenset(customer_cancellable)
        customer_cancellable = lambda order: order.status in states  # noqa: E731
    _LABELS.update(labels)
    flow = Flow(name=name, machine=machine, done=frozenset(done), customer_cancellable=customer_cancellable,
                order=tuple(order or labels), initial=initial, cancelled=cancelled, rejected=rejected,
                on_move=on_move)
    FLOWS[name] = flow
    return flow


def flow_named(name: str) -> Flow:
    try:
        return FLOWS[name]
    except KeyError:
        raise ImproperlyConfigured(f"No order flow {name!r} is registered") from None


def flow_for(order: Order) -> Flow:
    """The flow the order follows."""
    return flow_named(order.flow or "standard")


def flow_chooser_register(chooser: Callable[[str], str | None]) -> None:
    """`chooser(kind)` names the flow new orders of that kind follow, or None to pass."""
    _CHOOSERS.append(chooser)


def flow_for_new(*, kind: str) -> Flow:
    for chooser in reversed(_CHOOSERS):  # the last registered module decides first
        name = chooser(kind)
        if name:
            return flow_named(name)
    return flow_named("standard")


def _standard_customer_cancellable(order: Order) -> bool:
    """While the business has not confirmed it; a confirmed reservation until its time
    (a table or a slot booked ahead can be given back, a confirmed order is being made)."""
    if order.status == PLACED:
        return True
    return (order.status == CONFIRMED and order.kind == Order.Kind.RESERVATION
            and order.scheduled_for is not None and order.scheduled_for > timezone.now())


STANDARD = register_flow(
    "standard",
    order_machine({PLACED: {CONFIRMED, CANCELLED}, CONFIRMED: {COMPLETED, CANCELLED},
                   COMPLETED: set(), CANCELLED: set()}),
    labels={PLACED: pgettext_lazy("order status", "Placed"),
            CONFIRMED: pgettext_lazy("order status", "Confirmed"),
            COMPLETED: pgettext_lazy("order status", "Completed"),
            CANCELLED: pgettext_lazy("order status", "Cancelled")},
    done={COMPLETED}, customer_cancellable=_standard_customer_cancellable)
