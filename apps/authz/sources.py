"""Where "what may this user do in the current tenant schema" comes from.

Roles live in a workspace app (apps.rbac), above the platform layer, yet platform apps
must ask: the admin's auth backend and the token claims (apps.accounts), role rules of
feature flags (apps.flags). They ask here; apps.rbac registers the answers in its
AppConfig.ready():

    sources.register(access_for=selectors.access_for, role_keys=selectors.role_keys)

Asking before anything registered raises ImproperlyConfigured rather than answering
"nothing": apps.rbac is always installed, so a missing registration is a wiring bug,
and an empty answer would hide it behind "permission denied" everywhere (and silently
turn every role rule of a flag off).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from .access import Access


@dataclass(frozen=True)
class _Source:
    access_for: Callable[..., Access]
    role_keys: Callable[..., frozenset[str]]


_source: _Source | None = None


def register(*, access_for: Callable[..., Access], role_keys: Callable[..., frozenset[str]]) -> None:
    """Called once by the app that owns roles (apps.rbac.apps.RbacConfig.ready)."""
    global _source
    _source = _Source(access_for=access_for, role_keys=role_keys)


def _registered() -> _Source:
    if _source is None:
        raise ImproperlyConfigured("No role source registered with apps.authz.sources (is apps.rbac installed?).")
    return _source


def access_for(*, user, active_role: str | None = None) -> Access:
    """The user's permissions with scopes in the current schema. With `active_role`,
    only that role counts (the role picked with switch-role)."""
    return _registered().access_for(user=user, active_role=active_role)


def role_keys(*, user) -> frozenset[str]:
    """The keys of the user's enabled roles in the current schema."""
    return _registered().role_keys(user=user)
