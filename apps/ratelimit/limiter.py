"""Fixed-window API rate limits on Redis: per tenant (its plan plus add-ons), per user,
per API key and, for anonymous callers, per IP; plus the tenant's monthly quota.
One Redis command per request counts every window that applies (a Lua script: INCR each
counter, set its expiry when it starts)."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string
from django_redis import get_redis_connection

from apps.core.cache import REDIS_DOWN, redis_unreachable
from apps.core.clock import platform_today

WINDOW = 60
_MONTH_TTL = 400 * 24 * 3600
_DAY_TTL = 40 * 24 * 3600  # the daily usage snapshot (apps.billing.usage) reads yesterday's, or a backfill's


@dataclass(frozen=True)
class Decision:
    limit: int
    remaining: int
    reset: int  # epoch seconds when the window resets
    retry_after: int  # seconds; 0 when allowed
    scope: str  # which limit decided: tenant, user, api_key, ip, month

    @property
    def allowed(self) -> bool:
        return self.retry_after == 0


def tenant_limits(*, tenant) -> dict:
    """The tenant's limits, from the source settings.RATELIMIT_TENANT_LIMITS names (billing's
    plans and add-ons): this app only counts and decides."""
    return _limits_source(settings.RATELIMIT_TENANT_LIMITS)(tenant=tenant)


@functools.cache
def _limits_source(path: str):
    return import_string(path)  # once per process: this runs on every API request


# KEYS: the counters; ARGV: each one's lifetime in seconds. Returns every count. (All keys
# in one script: a Redis Cluster would need them in one hash slot.)
_COUNT = """
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  counts[i] = count
end
return counts
"""


def _client():
    return get_redis_connection("default")


_script = None


def _count(keys_and_lifetimes: list[tuple[str, int]]) -> list[int]:
    """Each counter's count after this request (one EVALSHA; the script is loaded again if
    Redis lost it)."""
    global _script
    client = _client()
    if _script is None:
        _script = client.register_script(_COUNT)
    keys, lifetimes = zip(*keys_and_lifetimes, strict=True)
    return _script(keys=list(keys), args=list(lifetimes), client=client)


def month_key(tenant_id: int, when=None) -> str:
    when = when or timezone.now()
    return cache.make_key(f"ratelimit:month:{tenant_id}:{when:%Y%m}")


def day_key(tenant_id: int, day: dt.date | None = None) -> str:
    """The tenant's API calls on `day` (the platform's time zone, like the usage table's days)."""
    day = day or platform_today()
    return cache.make_key(f"ratelimit:day:{tenant_id}:{day:%Y%m%d}")


def _month_end_seconds(now: float) -> int:
    moment = dt.datetime.fromtimestamp(now, tz=dt.UTC)
    last_day = calendar.monthrange(moment.year, moment.month)[1]
    end = moment.replace(day=last_day, hour=23, minute=59, second=59)
    return max(int(end.timestamp() - now) + 1, 1)


def identities(*, tenant, user, api_key: str | None, ip: str | None,
               limits: dict | None = None) -> list[tuple[str, str, int]]:
    """(scope, identity, limit per minute) for every limit that applies to this caller
    (`limits`: the tenant's, when already read)."""
    found = []
    public = tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME
    if not public:
        per_tenant = (limits or tenant_limits(tenant=tenant))["api_requests_per_minute"]
        if per_tenant is not None:
            found.append(("tenant", f"t{tenant.pk}", per_tenant))
    if api_key:
        digest = hashlib.sha256(api_key.encode()).hexdigest()[:32]
        found.append(("api_key", f"k{digest}", settings.RATELIMIT_API_KEY_PER_MINUTE))
    elif user is not None and getattr(user, "is_authenticated", False):
        found.append(("user", f"u{user.pk}", settings.RATELIMIT_USER_PER_MINUTE))
    else:
        found.append(("ip", f"i{ip or '-'}", settings.RATELIMIT_ANON_PER_MINUTE))
    return found


def hit(*, tenant, user=None, api_key: str | None = None, ip: str | None = None) -> Decision | None:
    """Count one request against every applicable limit and decide. None: Redis is
    unreachable and RATELIMIT_FAIL_OPEN lets requests through uncounted (otherwise the
    error reaches the caller as a 503)."""
    now = time.time()
    window = int(now // WINDOW)
    reset = (window + 1) * WINDOW
    counts_tenant_month = tenant is not None and tenant.schema_name != settings.PUBLIC_SCHEMA_NAME
    limits = tenant_limits(tenant=tenant) if counts_tenant_month else None  # one cache read per request
    checks = identities(tenant=tenant, user=user, api_key=api_key, ip=ip, limits=limits)
    counters = [(cache.make_key(f"ratelimit:{identity}:{window}"), WINDOW * 2) for _scope, identity, _limit in checks]
    if counts_tenant_month:  # the day's counter, then the month's (last: the quota reads it)
        counters += [(day_key(tenant.pk), _DAY_TTL), (month_key(tenant.pk), _MONTH_TTL)]
    try:
        results = _count(counters)
    except REDIS_DOWN as exc:  # nothing counted: let it through, or refuse it (503)
        redis_unreachable(exc, "counting API requests")
        if settings.RATELIMIT_FAIL_OPEN:
            return None
        raise

    tightest = None
    for index, (scope, _identity, limit) in enumerate(checks):
        count = results[index]
        decision = Decision(limit=limit, remaining=max(limit - count, 0), reset=reset,
                            retry_after=max(reset - int(now), 1) if count > limit else 0, scope=scope)
        if not decision.allowed:
            return decision
        if tightest is None or decision.remaining < tightest.remaining:
            tightest = decision
    if counts_tenant_month:
        monthly = limits["api_requests_per_month"]
        if monthly is not None and results[-1] > monthly:
            return Decision(limit=tightest.limit, remaining=0, reset=reset, scope="month",
                            retry_after=_month_end_seconds(now))
    return tightest


def monthly_usage(*, tenant_ids, when=None) -> dict[int, int]:
    """API requests this month per tenant (one Redis MGET)."""
    tenant_ids = list(tenant_ids)
    if not tenant_ids:
        return {}
    values = _client().mget([month_key(pk, when) for pk in tenant_ids])
    return {pk: int(value or 0) for pk, value in zip(tenant_ids, values, strict=True)}


def daily_usage(*, tenant_ids, day: dt.date) -> dict[int, int]:
    """API requests on `day` per tenant (one Redis MGET; kept 40 days)."""
    tenant_ids = list(tenant_ids)
    if not tenant_ids:
        return {}
    values = _client().mget([day_key(pk, day) for pk in tenant_ids])
    return {pk: int(value or 0) for pk, value in zip(tenant_ids, values, strict=True)}
