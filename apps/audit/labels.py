"""What a person reads for an audit action code (`tenant.suspended` -> "Tenant suspended"
/ "테넌트 정지"). Apps register the labels of the actions they write:

    register_action_labels({"branch.created": _("Branch created"), ...})

An action nobody labelled reads as its code made readable ("Branch · created"), never
as a bare code. CSV exports keep the code and add this label.
"""

from __future__ import annotations

_labels: dict[str, str] = {}


def register_action_labels(labels: dict) -> None:
    _labels.update(labels)


def action_label(action: str) -> str:
    if action in _labels:
        return str(_labels[action])
    head, _dot, tail = action.partition(".")
    readable = " · ".join(part.replace("_", " ") for part in (head, tail) if part)
    return readable[:1].upper() + readable[1:]
