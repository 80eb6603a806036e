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
tenant routing reads `tenant:<id>`; its plan limits, read next, then cost nothing). A change
committed by another process reaches the next request.

A value read on every request of a host (its tenant routing, the plan limits) may also be
trusted in the process for `fresh_for` seconds after its versions were last read
(TENANT_ROUTING_LOCAL_SECONDS, 2 s by default): such a request reads no version at all.
A change committed in this process reaches its next request still (the commit drops the
window of every value under the bumped scopes); one committed in another process reaches
this one within `fresh_for` seconds.

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
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

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

VERSION_PREFIX = "version:"
# Scopes a value turned out to depend on last time (per process), read along with the
# entry so that, in the steady state, the read stays one round trip.
_HINTS: dict[str, tuple[str, ...]] = {}
_HINTS_MAX = 20_000
# Values kept in this process as well (`local=True`): name -> (tokens, value), least
# recently used first. Bounded by CACHE_LOCAL_MAX_ENTRIES: beyond it the least recently
# used value goes (about 3 KB each; a tenant's routing and plan limits are two).
_LOCAL: OrderedDict[str, tuple[dict[str, str], object]] = OrderedDict()
# When the versions of a local value were last read (`fresh_for`): name -> time.monotonic().
_CHECKED: dict[str, float] = {}
# When this process last committed a bump of a scope: scope -> time.monotonic(). A local
# value read before a bump of one of its scopes is no longer fresh (`_still_fresh`): a bump
# costs a write here, not a pass over every local value (25,000 by default: 5-15 ms).
# Bumps older than the longest `fresh_for` asked for cannot matter; beyond _BUMPED_MAX
# scopes they are let go, and values read before the oldest kept are no longer fresh.
_BUMPED_AT: dict[str, float] = {}
_BUMPED_MAX = 1_000
_bumps_known_since = float("-inf")
_longest_fresh_for = 0.0
# Versions read in the current request: scope -> token (None outside a request).
_request_versions: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "request_versions", default=None)

_PLAIN_SCALARS = (str, int, float, bool, type(None), bytes, Decimal, uuid.UUID, dt.date, dt.time, dt.timedelta)


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
    keys = [*names, *(version_key(s) for s in unread)]
    found = cache.get_many(keys) if keys else {}
    fresh = {s: found.get(version_key(s)) for s in unread}
    missing = [s for s, token in fresh.items() if token is None]
    if missing:
        fresh.update(_start_versions(missing))
    if known is not None:
        known.update(fresh)
    current.update(fresh)
    return current, found


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
        _forget_checked(tokens)
        try:
            cache.set_many({version_key(s): token for s, token in tokens.items()}, None)
        except REDIS_DOWN as exc:
            logger.error("cache versions not bumped, Redis unreachable: %s (%s)", ", ".join(scopes), exc)

    new_versions.bumped_scopes, new_versions.done = frozenset(scopes), False  # see pending_scopes
    transaction.on_commit(new_versions, robust=True)


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
        _LOCAL.pop(name, None)
        return build()


def _get_or_build(name, scopes, build, timeout, depends_on, local, fresh_for, read_along):
    wanted = scopes + tuple(s for s in _HINTS.get(name, ()) if s not in scopes)
    pending = pending_scopes()
    if pending.intersection(wanted):
        return build()
    memo = _local_get(name) if local else None
    if memo is not None and fresh_for and _still_fresh(name, memo, fresh_for, pending):
        return memo[1]
    current, found = _read((*wanted, *(s for s in read_along if s not in wanted)), () if memo is not None else (name,))
    entry = memo if memo is not None else found.get(name)
    if memo is not None and not _is_current(memo, scopes, current):
        entry = cache.get(name)  # another process may have built it already
    if not _is_entry(entry):
        entry = None  # missing, or written by older code under the same name
    if entry is not None:
        tokens = entry[0]
        unread = [s for s in tokens if s not in current]
        if unread:  # depends on scopes not guessed: one more round trip, and remember them
            current.update(versions(*unread))
            if depends_on is not None:
                _remember(name, tuple(s for s in tokens if s not in scopes))
        if _is_current(entry, scopes, current) and not pending.intersection(tokens):
            if local:
                _keep_local(name, entry)
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
        if local:
            _keep_local(name, entry)
    return value


def _is_entry(entry) -> bool:
    return type(entry) is tuple and len(entry) == 2 and type(entry[0]) is dict


def _is_current(entry, scopes: tuple[str, ...], current: dict[str, str]) -> bool:
    tokens = entry[0]
    return all(s in tokens for s in scopes) and all(current.get(s) == token for s, token in tokens.items())


def _local_get(name: str):
    """The process's value under `name` (now the most recently used), or None."""
    entry = _LOCAL.get(name)
    if entry is not None:
        try:
            _LOCAL.move_to_end(name)
        except KeyError:  # another thread (a threaded server) let it go just now
            pass
    return entry


def _keep_local(name: str, entry) -> None:
    """Keep a value whose versions were just read (or that was just built) in the process;
    full, the least recently used one goes."""
    if name not in _LOCAL:
        while len(_LOCAL) >= max(settings.CACHE_LOCAL_MAX_ENTRIES, 1):
            try:
                gone, _entry = _LOCAL.popitem(last=False)
            except KeyError:  # emptied by another thread meanwhile
                break
            _CHECKED.pop(gone, None)
    _LOCAL.pop(name, None)
    _LOCAL[name] = entry  # the most recently used
    _CHECKED[name] = time.monotonic()


def _still_fresh(name: str, entry, fresh_for: float, pending: frozenset[str]) -> bool:
    """The process's value may be served without reading versions: read less than
    `fresh_for` seconds ago, none of its scopes bumped by the current transaction, and none
    read at another version by this request. The request then sees its versions."""
    global _longest_fresh_for
    _longest_fresh_for = max(_longest_fresh_for, fresh_for)
    checked = _CHECKED.get(name)
    if checked is None or time.monotonic() - checked >= fresh_for or checked <= _bumps_known_since:
        return False
    tokens = entry[0]
    if pending.intersection(tokens) or any(_BUMPED_AT.get(s, checked - 1) >= checked for s in tokens):
        return False
    known = _request_versions.get()
    if known:
        if any(known.get(s, token) != token for s, token in tokens.items()):
            return False
    if known is not None:
        for s, token in tokens.items():
            known.setdefault(s, token)
    return True


def forget_local() -> None:
    """Drop every value kept in this process (tests roll the database back and delete the
    versions without bumping them)."""
    global _bumps_known_since
    _LOCAL.clear()
    _CHECKED.clear()
    _BUMPED_AT.clear()
    _bumps_known_since = float("-inf")  # no value read before it is left


def _forget_checked(tokens: dict[str, str]) -> None:
    """Values under these just-bumped scopes read their versions again in this process."""
    global _BUMPED_AT, _bumps_known_since
    now = time.monotonic()
    if len(_BUMPED_AT) >= _BUMPED_MAX:
        horizon = now - _longest_fresh_for
        kept = [(s, at) for s, at in list(_BUMPED_AT.items()) if at > horizon]
        if len(kept) >= _BUMPED_MAX:  # bumped faster than values stay fresh: keep the newest half
            kept = sorted(kept, key=lambda item: item[1])[len(kept) // 2:]
            horizon = kept[0][1]
        _bumps_known_since = max(_bumps_known_since, horizon)
        _BUMPED_AT = dict(kept)  # one swap: a thread reading meanwhile sees the old or the new
    for s in tokens:
        _BUMPED_AT[s] = now


def _remember(name: str, dependencies: tuple[str, ...]) -> None:
    if len(_HINTS) >= _HINTS_MAX:
        _HINTS.clear()
    _HINTS[name] = dependencies
