"""Failed logins: the per-address limit, and how a lock's end is shown.

An account locks after LOGIN_MAX_FAILURES failures in a row (User.locked_until). That
alone lets anyone lock a victim out knowing only the e-mail address, so each client
address also gets LOGIN_IP_MAX_FAILURES failures per LOGIN_IP_WINDOW_SECONDS (a Redis
counter that starts with the first failure); after that it is refused until the window
ends, whatever account it tries (Zulip: 5 per 30 minutes). IPv6 clients count per /64:
one host usually holds the whole /64.
"""

from __future__ import annotations

import ipaddress
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_redis import get_redis_connection

from apps.core.cache import REDIS_DOWN, redis_unreachable


def address_of(ip: str | None) -> str | None:
    """What the limit counts for `ip`: the IPv4 address, or the IPv6 /64."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(getattr(address, "ipv4_mapped", None) or address)


def _key(address: str) -> str:
    return cache.make_key(f"login:ip-failures:{address}")


def ip_retry_after(ip: str | None) -> int:
    """Seconds until `ip` may try to log in again; 0 when it may now."""
    address = address_of(ip)
    if address is None:
        return 0
    pipe = get_redis_connection("default").pipeline(transaction=False)
    pipe.get(_key(address))
    pipe.ttl(_key(address))
    try:
        count, ttl = pipe.execute()
    except REDIS_DOWN as exc:  # like the API's limits: uncounted (RATELIMIT_FAIL_OPEN) or a 503
        redis_unreachable(exc, "reading failed logins")
        if settings.RATELIMIT_FAIL_OPEN:
            return 0
        raise
    if int(count or 0) < settings.LOGIN_IP_MAX_FAILURES or ttl == -2:
        return 0
    return ttl if ttl > 0 else settings.LOGIN_IP_WINDOW_SECONDS


def ip_failure(ip: str | None) -> int:
    """Count one failed login from `ip`; returns the failures in its current window."""
    address = address_of(ip)
    if address is None:
        return 0
    key = _key(address)
    pipe = get_redis_connection("default").pipeline(transaction=False)
    pipe.set(key, 0, ex=settings.LOGIN_IP_WINDOW_SECONDS, nx=True)  # the window starts at the first failure
    pipe.incr(key)
    try:
        return pipe.execute()[1]
    except REDIS_DOWN as exc:
        redis_unreachable(exc, "counting a failed login")
        if settings.RATELIMIT_FAIL_OPEN:
            return 0
        raise


# The workspace's own time zone setting, read in the current tenant schema. The setting
# lives in a workspace app (apps.workspace), above this layer: it registers the reader in
# its AppConfig.ready() with workspace_zone_register(). Unregistered, the tenant's zone
# (which the setting starts as) is used.
_workspace_zone: Callable[[], str] | None = None


def workspace_zone_register(reader: Callable[[], str]) -> None:
    global _workspace_zone
    _workspace_zone = reader


def display_zone() -> str:
    """The time zone people on this host read times in: the workspace's own setting on a
    tenant host (it starts as the tenant's and the owner may change it), the platform's
    TIME_ZONE on the public host."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return settings.TIME_ZONE
    chosen = _workspace_zone() if _workspace_zone is not None else ""
    return chosen or getattr(tenant, "timezone", "") or settings.TIME_ZONE


def display_zoneinfo() -> zoneinfo.ZoneInfo:
    """display_zone() as a time zone (the platform's TIME_ZONE when the setting names none)."""
    try:
        return zoneinfo.ZoneInfo(display_zone())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_time_label(moment) -> tuple[str, str]:
    """("17:05 (Asia/Seoul)", "Asia/Seoul") for `moment` in this host's time zone; the
    date is added when it is not today there."""
    name = display_zone()
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        name, zone = settings.TIME_ZONE, zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = moment.astimezone(zone)
    shown = local.strftime("%H:%M") if local.date() == timezone.now().astimezone(zone).date() \
        else local.strftime("%Y-%m-%d %H:%M")
    return f"{shown} ({name})", name
