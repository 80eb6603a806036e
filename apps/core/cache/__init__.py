"""Versioned caching: the one way to cache data that requests and processes share.

A cached value depends on *scopes*: `scope("tenant", 42)`, `scope("host", "acme.example.com")`,
`"flags"`. Each scope has a version token in Redis (`version:<scope>`, random, no expiry).
A value is stored with the tokens its scopes had before it was built, and is served only
while each of them is still current: one MGET reads the entry and the versions together.

The service that changes the data calls `bump(*scopes)`; the new tokens are set when the
transaction commits (nothing happens on rollback), so every process rebuilds on its next
read and no process can keep serving the old value. Within the transaction that bumped a
scope, reads of that scope bypass the cache (they see the uncommitted change; other
connections keep the committed value until the commit).

Within a request (apps.core.middleware opens `request_versions()`), each scope's version is
read from Redis once: later reads in the same request reuse that token (a bump the request
itself commits replaces it), so a request sees one version of each scope, and a value kept
in the process (`local=True`) whose scopes were already read costs no round trip (a host's
tenant routing reads `tenant:<id>`; its plan limits, read next, then cost nothing; a process
that does not keep them yet gets them in the MGET of that version: `read_along_entry`). A
change committed by another process reaches the next request.

A value read on every request of a host (its tenant routing, the plan limits) may also be
trusted in the process for `fresh_for` seconds after its versions were last read
(TENANT_ROUTING_LOCAL_SECONDS, 2 s by default): such a request reads no version at all.
A change committed in this process reaches its next request still (the commit drops the
window of every value under the bumped scopes); one committed in another process reaches
this one within `fresh_for` seconds. Past its window, such a value is still trusted while
its scopes' *groups* are unchanged: a bump also sets a new token for the group of each
bumped scope (`group()`: one of 64 per kind, `tenant:*17`), in the same atomic write, and
the process reads every group it knows in one MGET at most once per `fresh_for` seconds.
With many tenants, whose requests come to a process seconds or minutes apart, a request
then reads no version either (without groups: one MGET each), and a change still reaches
every process within `fresh_for` seconds (it changes its group's token).

A process about to serve many tenants can bring what Redis holds into its memory at once
(`keep_local_from_redis`: a web worker's start reads every host's routing and its plan
limits, apps.tenants.routing.routing_preload): only entries current at the versions read
then are kept, and they are trusted as above.

Only plain values are cached (dicts, lists, strings, numbers, dates...): never model
instances, whose pickles break across deploys and go stale with their relations.

Redis unreachable: every value is built from the database (nothing cached, nothing kept
in the process) until it answers again; a bump that cannot be written is logged (a Redis
restart loses the old versions anyway: entries stored under them are never served again).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import local as _process
from .keys import group, scope, version_key
from .local import forget_local

__all__ = ["REDIS_DOWN", "bump", "check_plain", "forget_local", "group", "keep_local_from_redis", "pending_scopes",
           "read_along_entry", "redis_unreachable", "request_versions", "scope", "version_key",
           "versioned_get_or_build", "versions"]

T = TypeVar("T")

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
"""What redis-py raises when Redis cannot be reached (refused, reset, timed out)."""

logger = logging.getLogger(__name__)
_said_down_at = 0.0


def redis_unreachable(exc: BaseException, doing: str) -> None:
    """Log that Redis could not be reached (at most once a minute per process)."""
    global _said_down_at
    if time.monotonic() - _said_down_at >= 60:
        _said_down_at = time.monotonic()
        logger.warning("Redis unreachable while %s (%s): falling back", doing, exc)

# Scopes a value turned out to depend on last time (per process), read along with the
# entry so that, in the steady state, the read stays one round trip.
_HINTS: dict[str, tuple[str, ...]] = {}
_HINTS_MAX = 20_000
# Versions read in the current request: scope -> token (None outside a request).
_request_versions: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "request_versions", default=None)

_PLAIN_SCALARS = (str, int, float, bool, type(None), bytes, Decimal, uuid.UUID, dt.date, dt.time, dt.timedelta)


@contextmanager
def request_versions() -> Iterator[None]:
    """One request: each scope's version is read once, then reused until the request ends."""
    token = _request_versions.set({})
    try:
        yield
    finally:
        _request_versions.reset(token)


def versions(*scopes: str) -> dict[str, str]:
    """The current token of each scope (one MGET; a scope without one gets one)."""
    return _read(scopes)[0]


def _read(scopes: Iterable[str], names: Iterable[str] = ()) -> tuple[dict[str, str], dict]:
    """The current token of each scope and the entries `names`, in one MGET (none when this
    request has read every scope already and no entry is asked for)."""
    known = _request_versions.get()
    current = {s: known[s] for s in scopes if s in known} if known else {}
    unread = [s for s in scopes if s not in current]
    along = _read_along(unread)
    keys = [*names, *along, *(version_key(s) for s in unread)]
    found = cache.get_many(keys) if keys else {}
    fresh = {s: found.get(version_key(s)) for s in unread}
    missing = [s for s, token in fresh.items() if token is None]
    if missing:
        fresh.update(_start_versions(missing))
    if known is not None:
        known.update(fresh)
    current.update(fresh)
    for name in along:  # kept as a read of its own would keep it: current at the versions just read
        entry = found.get(name)
        if _is_entry(entry) and _is_current(entry, (), current):
            _process.keep_local(name, entry)
    return current, found


# kind of scope -> the name of an entry read along with a scope of that kind (`read_along_entry`)
_ALONG: dict[str, Callable[[str], str]] = {}


def read_along_entry(kind: str, name_for: Callable[[str], str]) -> None:
    """Whenever a scope `kind:<key>` has its version read from Redis, the entry
    `name_for(key)` comes in the same MGET, if this process does not keep it already, and
    is kept in the process when current (the entry of a `local=True` value). A host's
    routing first learns its tenant, `tenant:<id>`, in a second round trip: the tenant's
    plan limits, which the rate limiter reads next, then cost none of their own (with
    10,000 tenants most requests of a process are the first of their tenant there)."""
    _ALONG[kind] = name_for


def _read_along(scopes: list[str]) -> list[str]:
    names = []
    for scope_name in scopes:
        kind, _sep, key = scope_name.partition(":")
        name_for = _ALONG.get(kind)
        if name_for is not None and key and not key.startswith("*"):  # a group ("tenant:*17") is no scope of its own
            name = name_for(key)
            if _process.local_get(name) is None:
                names.append(name)
    return names


def keep_local_from_redis(names: Iterable[str], *, batch: int = 1_000) -> int:
    """Bring the entries `names` that Redis holds, and those read along with their scopes
    (`read_along_entry`), into this process as a `local=True` read keeps them: current at
    the versions read, and trusted past a `fresh_for` window while their scopes' groups
    hold. Nothing is built: an entry Redis lacks, or one stored under an older version,
    is left to the first read. For a process about to serve many tenants (a web worker's
    start, apps.tenants.routing.routing_preload): each tenant's first request there then
    reads nothing from Redis, where it would read its routing and plan limits (two MGETs).
    Two MGETs per `batch` names. Returns how many values were kept (0 if Redis is down)."""
    names, kept = list(names), 0
    try:
        for start in range(0, len(names), batch):
            chunk = names[start:start + batch]
            entries = {name: entry for name, entry in cache.get_many(chunk).items() if _is_entry(entry)}
            scopes = sorted({s for _tokens, _value in entries.values() for s in _tokens})
            along = _read_along(scopes)
            versioned = [*scopes, *sorted({group(s) for s in scopes})]
            found = cache.get_many([*along, *(version_key(s) for s in versioned)])
            current = {s: found[version_key(s)] for s in versioned if version_key(s) in found}
            for name, entry in (*entries.items(), *((name, found.get(name)) for name in along)):
                if _is_entry(entry) and _is_current(entry, (), current):
                    _process.keep_local(name, entry, current)
                    kept += 1
                    if name in entries:  # a first read past the window asks for all its scopes at once
                        _remember(name, tuple(entry[0]))
    except REDIS_DOWN as exc:
        redis_unreachable(exc, "bringing cached values into the process")
    return kept


def _start_versions(scopes: list[str]) -> dict[str, str]:
    """First token of scopes that have none (never bumped, or evicted): random, so that an
    evicted scope never comes back with a token old entries were stored under."""
    for scope_name in scopes:
        cache.add(version_key(scope_name), secrets.token_hex(8), None)
    found = cache.get_many([version_key(s) for s in scopes])
    return {s: found[version_key(s)] for s in scopes}


def bump(*scopes: str) -> None:
    """Invalidate everything cached under these scopes once the current transaction commits
    (at once outside a transaction)."""
    if not scopes:
        return

    def new_versions():
        new_versions.done = True
        tokens = {s: secrets.token_hex(8) for s in scopes}
        known = _request_versions.get()
        if known is not None:  # the request that committed the change sees it from now on
            known.update(tokens)
        _process.note_bumped(tokens)
        try:
            _write_versions(tokens)
        except REDIS_DOWN as exc:
            logger.error("cache versions not bumped, Redis unreachable: %s (%s)", ", ".join(scopes), exc)

    new_versions.bumped_scopes, new_versions.done = frozenset(scopes), False  # see pending_scopes
    transaction.on_commit(new_versions, robust=True)


def _write_versions(tokens: dict[str, str]) -> None:
    """Set the scopes' new tokens and new tokens for their groups, in one atomic write
    (MULTI/EXEC): a process that reads a group's new token reads its scopes' new ones."""
    groups = {group(s): secrets.token_hex(8) for s in tokens}
    cache.set_many({version_key(s): token for s, token in (*tokens.items(), *groups.items())}, None)


def pending_scopes() -> frozenset[str]:
    """Scopes bumped by the current transaction, not committed yet."""
    if not connection.run_on_commit:
        return frozenset()
    return frozenset(s for _sids, callback, _robust in connection.run_on_commit
                     if not getattr(callback, "done", True) for s in getattr(callback, "bumped_scopes", ()))


def check_plain(value, *, _depth: int = 0) -> None:
    """Refuse to cache anything but plain data (no model instances, querysets, ...)."""
    if _depth > 20:
        raise TypeError("cached value nested too deep")
    if isinstance(value, _PLAIN_SCALARS):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            check_plain(key, _depth=_depth + 1)
            check_plain(item, _depth=_depth + 1)
        return
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            check_plain(item, _depth=_depth + 1)
        return
    raise TypeError(f"only plain values are cached, not {type(value).__module__}.{type(value).__qualname__}")


def versioned_get_or_build(name: str, scopes: Iterable[str], build: Callable[[], T],
                           timeout: int | None | Callable[[T], int | None], *,
                           depends_on: Callable[[T], Iterable[str]] | None = None, local: bool = False,
                           fresh_for: float = 0, read_along: Iterable[str] = ()) -> T:
    """The value cached under `name` while none of its scopes was bumped, else `build()`
    (stored for `timeout` seconds at most; a callable gets the value).

    `depends_on(value)`: further scopes the value depends on, known once built (a host's
    tenant). `local`: also keep the value in this process, so that a hit costs only the
    version read (for large values read very often, like the flag snapshot). `fresh_for`
    (with `local`): for that many seconds after its versions were read, the process's value
    is returned without reading them (see the module's docstring). `read_along`: scopes the
    request reads next, whose versions come in the same MGET (a token's member entry,
    then the member's access snapshot under roles:<schema>).

    Redis unreachable: `build()`, nothing stored (the module's docstring)."""
    try:
        return _get_or_build(name, tuple(scopes), build, timeout, depends_on, local, fresh_for, read_along)
    except REDIS_DOWN as exc:
        redis_unreachable(exc, f"reading {name}")
        _process.forget(name)
        return build()


def _get_or_build(name, scopes, build, timeout, depends_on, keep, fresh_for, read_along):
    wanted = scopes + tuple(s for s in _HINTS.get(name, ()) if s not in scopes)
    pending = pending_scopes()
    if pending.intersection(wanted):
        return build()
    memo = _process.local_get(name) if keep else None
    if memo is not None and fresh_for and _process.still_fresh(name, memo, fresh_for, pending, _request_versions.get()):
        return memo[1]
    grouped = tuple(group(s) for s in wanted) if keep and fresh_for else ()
    current, found = _read((*wanted, *(s for s in (*read_along, *grouped) if s not in wanted)),
                           () if memo is not None else (name,))
    entry = memo if memo is not None else found.get(name)
    if memo is not None and not _is_current(memo, scopes, current):
        entry = cache.get(name)  # another process may have built it already
    if not _is_entry(entry):
        entry = None  # missing, or written by older code under the same name
    if entry is not None:
        tokens = entry[0]
        unread = [s for s in tokens if s not in current]
        if unread:  # depends on scopes not guessed: one more round trip (with their groups), and remember them
            current.update(versions(*unread, *(g for g in {group(s) for s in unread} if grouped and g not in current)))
            if depends_on is not None:
                _remember(name, tuple(s for s in tokens if s not in scopes))
        if _is_current(entry, scopes, current) and not pending.intersection(tokens):
            if keep:
                _process.keep_local(name, entry, current if grouped else None)
            return entry[1]

    value = build()
    dependencies = tuple(depends_on(value)) if depends_on is not None else ()
    unread = [s for s in dependencies if s not in current]
    if unread and not pending.intersection(unread):
        # A value is stored with versions read before its build (a bump in between then
        # makes it stale at once): read them now and build again.
        current.update(versions(*unread))
        value = build()
        dependencies = tuple(depends_on(value))
    if depends_on is not None and (dependencies or name in _HINTS):
        _remember(name, dependencies)
    # Stored only if every scope's version was read before the build and nothing it
    # depends on is uncommitted.
    if all(s in current for s in dependencies) and not pending.intersection(dependencies):
        check_plain(value)
        entry = ({s: current[s] for s in (*scopes, *dependencies)}, value)
        cache.set(name, entry, timeout(value) if callable(timeout) else timeout)
        if keep:
            _process.keep_local(name, entry, current if grouped else None)
    return value


def _is_entry(entry) -> bool:
    return type(entry) is tuple and len(entry) == 2 and type(entry[0]) is dict


def _is_current(entry, scopes: tuple[str, ...], current: dict[str, str]) -> bool:
    tokens = entry[0]
    return all(s in tokens for s in scopes) and all(current.get(s) == token for s, token in tokens.items())


def _remember(name: str, dependencies: tuple[str, ...]) -> None:
    if len(_HINTS) >= _HINTS_MAX:
        _HINTS.clear()
    _HINTS[name] = dependencies
