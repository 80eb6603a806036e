"""Names in Redis: scopes, their version keys, and the groups of scopes (see the package)."""

from __future__ import annotations

import zlib

VERSION_PREFIX = "version:"
_GROUPS_PER_KIND = 64


def scope(kind: str, key) -> str:
    """A scope name: `scope("tenant", 42)` -> "tenant:42". Scopes in use: tenant:<id> (the
    tenant row, its domains, plan, subscription and add-ons), host:<hostname> (what a host
    name routes to), roles:<schema> (a workspace's roles, their grants and assignments: each
    user's access snapshot), workspace:<schema> (its settings), user:<id> (a user's account
    fields and memberships: the member check of each token), apikeys:<schema> (a
    workspace's API keys), flags (every flag, rule and override)."""
    return f"{kind}:{key}"


def version_key(scope_name: str) -> str:
    return VERSION_PREFIX + scope_name


def group(scope_name: str) -> str:
    """The group of a scope: "tenant:42" -> "tenant:*<0-63>" (stable across processes);
    a scope without a key ("flags") is its own group ("flags:*")."""
    kind, _sep, key = scope_name.partition(":")
    return f"{kind}:*{zlib.crc32(key.encode()) % _GROUPS_PER_KIND}" if key else f"{kind}:*"
