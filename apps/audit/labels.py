"""What a person reads for an audit action code (`tenant.suspended` -> "Tenant suspended"
/ "테넌트 정지"). Apps register the labels of the actions they write:

    register_action_labels({"branch.created": _("Branch created"), ...})

An action nobody labelled reads as its code made readable ("Branch · created"), never
as a bare code. CSV exports keep the code and add this label.
"""

from __future__ import annotations

from django.utils.translation import gettext, pgettext_lazy

_labels: dict[str, str] = {}


def register_action_labels(labels: dict) -> None:
    _labels.update(labels)


def registered_actions() -> set[str]:
    """Every action code some app labelled."""
    return set(_labels)


def action_label(action: str) -> str:
    if action in _labels:
        return str(_labels[action])
    head, _dot, tail = action.partition(".")
    readable = " · ".join(part.replace("_", " ") for part in (head, tail) if part)
    return readable[:1].upper() + readable[1:]


def target_label(target_repr: str) -> str:
    """A target's name as recorded; a name the platform ships ("Teacher", a role it
    created) in the reader's language, as the live object reads."""
    return gettext(target_repr) if target_repr else ""


def register() -> None:
    """The actions apps.audit writes itself."""
    register_action_labels({
        "audit.exported": pgettext_lazy("audit action", "Audit log exported"),
        "audit.chains_rebuilt": pgettext_lazy("audit action", "Audit chains rebuilt"),
    })
