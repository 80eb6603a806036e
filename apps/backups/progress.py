"""Progress of a running backup or restore, in Redis: a restore loads inside one transaction
that no other connection sees, so its progress cannot be a row. Plain values, short-lived."""

from __future__ import annotations

from django.core.cache import cache

from apps.core.cache import REDIS_DOWN, redis_unreachable

_SECONDS = 6 * 3600


def _key(kind: str, job_id: int) -> str:
    return f"backups:progress:{kind}:{job_id}"


def progress_set(kind: str, job_id: int, done: int, total: int) -> None:
    try:
        cache.set(_key(kind, job_id), [done, total], _SECONDS)
    except REDIS_DOWN as exc:  # progress is a courtesy: the job goes on
        redis_unreachable(exc, "recording backup progress")


def progress_get(kind: str, job_ids) -> dict[int, tuple[int, int]]:
    ids = list(job_ids)
    if not ids:
        return {}
    try:
        found = cache.get_many([_key(kind, pk) for pk in ids])
    except REDIS_DOWN as exc:
        redis_unreachable(exc, "reading backup progress")
        return {}
    return {pk: tuple(found[_key(kind, pk)]) for pk in ids if _key(kind, pk) in found}


def progress_clear(kind: str, job_id: int) -> None:
    try:
        cache.delete(_key(kind, job_id))
    except REDIS_DOWN as exc:
        redis_unreachable(exc, "clearing backup progress")
