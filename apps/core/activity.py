"""Who was active in a workspace, and when last: recorded cheaply on the request path.

Every authenticated request on a tenant's host (a session, a JWT, an API key) and every
login calls `activity_seen(tenant_id=..., identity=...)`. Redis keeps, per tenant:

- `activity:last:<tenant>`: the time of the latest such request (epoch seconds),
- `activity:who:<tenant>:<YYYYMMDD>`: the set of identities active that day ("u<user id>",
  "k<api key id>"), kept a few weeks for the daily usage snapshot (apps.billing.usage).

A process writes a tenant's time at most once a minute and an identity at most once a day
(remembered in the process), so a busy workspace costs a Redis round trip a minute, not
one per request. The periodic flush copies the times to the tenant rows (apps.tenants).
Lives in core: the login services below the tenants' layer record logins too.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject, empty
from django_redis import get_redis_connection

from .cache import REDIS_DOWN, redis_unreachable
from .clock import platform_today

logger = logging.getLogger(__name__)

WRITE_EVERY_SECONDS = 60
DAY_SET_TTL = 40 * 24 * 3600
_MEMO_LIMIT = 50_000  # identities remembered per process before the memo starts afresh

_last_written: dict[int, float] = {}  # tenant id -> when this process last wrote its time
_seen_today: set[tuple[int, str]] = set()  # (tenant id, identity) written today by this process
_memo_day: list[dt.date | None] = [None]


def last_key(tenant_id: int) -> str:
    return cache.make_key(f"activity:last:{tenant_id}")


def day_key(tenant_id: int, day: dt.date) -> str:
    return cache.make_key(f"activity:who:{tenant_id}:{day:%Y%m%d}")


def identity_of(user) -> str | None:
    """"u<id>" for a person, "k<id>" for an API key's principal, None for nobody."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    api_key = getattr(user, "api_key", None)
    if api_key is not None:
        return f"k{api_key.pk}"
    return f"u{user.pk}" if user.pk is not None else None


def request_identity(request) -> str | None:
    """Who made this request, once it was answered: DRF put its caller (JWT, API key) on
    the request; a session's user is read from the session when no view asked who it was
    (no user query for that)."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "session"):
            return None
        user_id = request.session.get(SESSION_KEY)
        return f"u{user_id}" if user_id else None
    return identity_of(user)


def activity_seen(*, tenant_id: int, identity: str, now: float | None = None) -> bool:
    """Record that `identity` was active in the tenant now. Returns whether Redis was
    written (False: this process wrote both facts recently, or Redis is down: activity is
    a measurement, never a reason to fail the request)."""
    now = time.time() if now is None else now
    today = platform_today()
    if _memo_day[0] != today or len(_seen_today) > _MEMO_LIMIT:
        _seen_today.clear()
        _memo_day[0] = today
    write_time = now - _last_written.get(tenant_id, 0) >= WRITE_EVERY_SECONDS
    write_who = (tenant_id, identity) not in _seen_today
    if not (write_time or write_who):
        return False
    try:
        pipe = get_redis_connection("default").pipeline(transaction=False)
        if write_time:
            pipe.set(last_key(tenant_id), int(now))
        if write_who:
            key = day_key(tenant_id, today)
            pipe.sadd(key, identity)
            pipe.expire(key, DAY_SET_TTL)
        pipe.execute()
    except REDIS_DOWN as exc:
        redis_unreachable(exc, "recording activity")
        return False
    if write_time:
        _last_written[tenant_id] = now
    if write_who:
        _seen_today.add((tenant_id, identity))
    return True


def forget_process_memo() -> None:
    """Start afresh (tests: a new request must reach Redis)."""
    _last_written.clear()
    _seen_today.clear()


def last_activity(*, tenant_ids) -> dict[int, dt.datetime]:
    """The latest recorded activity per tenant (those with none are left out). One MGET."""
    tenant_ids = list(tenant_ids)
    if not tenant_ids:
        return {}
    try:
        values = get_redis_connection("default").mget([last_key(pk) for pk in tenant_ids])
    except REDIS_DOWN as exc:  # the flushed times still show
        redis_unreachable(exc, "reading activity")
        return {}
    return {pk: dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
            for pk, value in zip(tenant_ids, values, strict=True) if value}


def active_identities(*, tenant_id: int, day: dt.date) -> int:
    """How many distinct identities were active in the tenant on `day`."""
    return int(get_redis_connection("default").scard(day_key(tenant_id, day)))
