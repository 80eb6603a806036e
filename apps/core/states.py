"""The one state-machine mechanism: a transition table for a status field, and one place
that moves an object along it (status and companion fields saved together, the move
written to the model's history table). The tenant lifecycle (apps.tenants.states) and
order flows (apps.orders.flows, and the business modules' flows built on them with
`extend`) are tables handed to this class, not machines of their own.

The caller owns the transaction and the row lock, and writes the audit event from the
returned `Move` (core sits below the audit log)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from .changes import plain_value


@dataclass(frozen=True)
class Move:
    from_status: str
    to_status: str
    changes: dict = field(default_factory=dict)  # {field: [before, after]} for the audit event


class StateMachine:
    def __init__(self, transitions: Mapping[str, Iterable[str]], *, label: Callable[[str], str], illegal: type,
                 message, field_name: str = "status", history: Callable | None = None):
        """`label(status)` is what a person reads; `illegal` the PlatformError subclass
        (409) raised for a move the table forbids, with `message` formatted with
        %(current)s and %(target)s; `history(obj, move, actor, reason)` records a move."""
        self.transitions = {state: frozenset(targets) for state, targets in transitions.items()}
        self.label, self.illegal, self.message = label, illegal, message
        self.field_name, self.history = field_name, history

    @property
    def states(self) -> frozenset[str]:
        return frozenset(self.transitions).union(*self.transitions.values())

    def allowed(self, current: str) -> frozenset[str]:
        return self.transitions.get(current, frozenset())

    def can(self, current: str, target: str) -> bool:
        return target in self.allowed(current)

    def check(self, current: str, target: str) -> None:
        if not self.can(current, target):
            raise self.illegal(self.message % {"current": self.label(current), "target": self.label(target)},
                               details={"status": current, "requested": target,
                                        "allowed": sorted(self.allowed(current))})

    def extend(self, transitions: Mapping[str, Iterable[str]], **overrides) -> StateMachine:
        """A machine with this one's moves plus `transitions` (a state listed there gets
        exactly the listed targets): a business module's flow on the shared mechanism."""
        table = {**self.transitions, **{state: frozenset(targets) for state, targets in transitions.items()}}
        options = {"label": self.label, "illegal": self.illegal, "message": self.message,
                   "field_name": self.field_name, "history": self.history, **overrides}
        return StateMachine(table, **options)

    def move(self, obj, target: str, *, actor=None, reason: str = "", fields: dict | None = None) -> Move:
        """Check and apply the move on `obj` (locked by the caller), save the status and
        `fields` in one UPDATE, record it in the history."""
        current = getattr(obj, self.field_name)
        self.check(current, target)
        fields = fields or {}
        before = {self.field_name: current, **{name: plain_value(getattr(obj, name)) for name in fields}}
        setattr(obj, self.field_name, target)
        for name, value in fields.items():
            setattr(obj, name, value)
        update_fields = [self.field_name, *fields]
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update_fields.append("updated_at")
        obj.save(update_fields=update_fields)
        after = {self.field_name: target, **{name: plain_value(value) for name, value in fields.items()}}
        move = Move(current, target, {key: [before[key], after[key]] for key in after if before[key] != after[key]})
        if self.history is not None:
            self.history(obj, move, actor if getattr(actor, "is_authenticated", False) else None, reason)
        return move
