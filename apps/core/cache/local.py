"""Values a process keeps besides Redis (`versioned_get_or_build(local=True)`), and when
they may be served without reading their versions (`fresh_for`): see the package."""

from __future__ import annotations

import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache

from .keys import group, version_key

# Values kept in this process as well (`local=True`): name -> (tokens, value), least
# recently used first. Bounded by CACHE_LOCAL_MAX_ENTRIES: beyond it the least recently
# used value goes (about 3 KB each; a tenant's routing and plan limits are two).
_LOCAL: OrderedDict[str, tuple[dict[str, str], object]] = OrderedDict()
# When the versions of a local value were last read (`fresh_for`): name -> time.monotonic().
_CHECKED: dict[str, float] = {}
# When this process last committed a bump of a scope: scope -> time.monotonic(). A local
# value read before a bump of one of its scopes is no longer fresh (`still_fresh`): a bump
# costs a write here, not a pass over every local value (25,000 by default: 5-15 ms).
# Bumps older than the longest `fresh_for` asked for cannot matter; beyond _BUMPED_MAX
# scopes they are let go, and values read before the oldest kept are no longer fresh.
_BUMPED_AT: dict[str, float] = {}
_BUMPED_MAX = 1_000
_bumps_known_since = float("-inf")
_longest_fresh_for = 0.0
# Groups of scopes (`group()`): the groups' tokens a local `fresh_for` value was read with
# (name -> ((group, token), ...)), the groups of such values, and the tokens of them all,
# read together (one MGET) at `_groups_read_at` (time.monotonic()).
_CHECKED_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {}
_KNOWN_GROUPS: set[str] = set()
_GROUP_TOKENS: dict[str, str | None] = {}
_groups_read_at = float("-inf")


def forget(name: str) -> None:
    """Let the process's value under `name` go."""
    _LOCAL.pop(name, None)
    _CHECKED.pop(name, None)
    _CHECKED_GROUPS.pop(name, None)


def local_get(name: str):
    """The process's value under `name` (now the most recently used), or None."""
    entry = _LOCAL.get(name)
    if entry is not None:
        try:
            _LOCAL.move_to_end(name)
        except KeyError:  # another thread (a threaded server) let it go just now
            pass
    return entry


def keep_local(name: str, entry, current: dict[str, str] | None = None) -> None:
    """Keep a value whose versions were just read (or that was just built) in the process;
    full, the least recently used one goes. `current`: the versions read, with the groups
    of the value's scopes (a `fresh_for` value, trusted past its window while they hold)."""
    if name not in _LOCAL:
        while len(_LOCAL) >= max(settings.CACHE_LOCAL_MAX_ENTRIES, 1):
            try:
                gone, _entry = _LOCAL.popitem(last=False)
            except KeyError:  # emptied by another thread meanwhile
                break
            _CHECKED.pop(gone, None)
            _CHECKED_GROUPS.pop(gone, None)
    _LOCAL.pop(name, None)
    _LOCAL[name] = entry  # the most recently used
    _CHECKED[name] = time.monotonic()
    groups = [group(s) for s in entry[0]] if current is not None else ()
    if groups and all(g in current for g in groups):
        _CHECKED_GROUPS[name] = tuple((g, current[g]) for g in groups)
        _KNOWN_GROUPS.update(groups)
    else:
        _CHECKED_GROUPS.pop(name, None)


def still_fresh(name: str, entry, fresh_for: float, pending: frozenset[str], known: dict | None) -> bool:
    """The process's value may be served without reading versions: read less than
    `fresh_for` seconds ago, none of its scopes bumped by the current transaction, and none
    read at another version by this request. The request then sees its versions."""
    global _longest_fresh_for
    _longest_fresh_for = max(_longest_fresh_for, fresh_for)
    checked = _CHECKED.get(name)
    if checked is None or checked <= _bumps_known_since:
        return False
    if time.monotonic() - checked >= fresh_for and not _groups_unchanged(name, fresh_for):
        return False
    tokens = entry[0]
    if pending.intersection(tokens) or any(_BUMPED_AT.get(s, checked - 1) >= checked for s in tokens):
        return False
    if known:
        if any(known.get(s, token) != token for s, token in tokens.items()):
            return False
    if known is not None:
        for s, token in tokens.items():
            known.setdefault(s, token)
    return True


def _groups_unchanged(name: str, fresh_for: float) -> bool:
    """The groups of the value's scopes have the tokens it was read with, as this process
    read them less than `fresh_for` seconds ago (else it reads every group it knows now:
    at most 64 per kind of scope, in one MGET)."""
    global _GROUP_TOKENS, _groups_read_at
    groups = _CHECKED_GROUPS.get(name)
    if not groups:
        return False
    now = time.monotonic()
    if now - _groups_read_at >= fresh_for or any(g not in _GROUP_TOKENS for g, _token in groups):
        names = {*_KNOWN_GROUPS, *(g for g, _token in groups)}
        found = cache.get_many([version_key(g) for g in names])
        _GROUP_TOKENS = {g: found.get(version_key(g)) for g in names}  # one swap (threads)
        _groups_read_at = now
    return all(_GROUP_TOKENS.get(g) == token for g, token in groups)


def forget_local() -> None:
    """Drop every value kept in this process (tests roll the database back and delete the
    versions without bumping them)."""
    global _bumps_known_since, _groups_read_at
    _LOCAL.clear()
    _CHECKED.clear()
    _CHECKED_GROUPS.clear()
    _GROUP_TOKENS.clear()
    _KNOWN_GROUPS.clear()
    _groups_read_at = float("-inf")
    _BUMPED_AT.clear()
    _bumps_known_since = float("-inf")  # no value read before it is left


def note_bumped(tokens: dict[str, str]) -> None:
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
