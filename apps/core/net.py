"""The client's IP address, from a place we can trust.

REMOTE_ADDR is the peer that connected to us. X-Forwarded-For is written by whoever
sends the request, so it is read only when the peer is one of TRUSTED_PROXIES (a list
of addresses or networks, empty by default): then the client is the right-most address
in the header that is not itself a trusted proxy. Anything unparsable falls back to the
peer. Rate limits, login limits and the audit log all use this one answer.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted if entry.strip())


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    address = getattr(address, "ipv4_mapped", None) or address
    return any(address.version == net.version and address in net for net in networks)


def address_in(ip: str | None, networks) -> bool:
    """Whether the address `ip` (text) lies in one of `networks` (addresses or networks as
    text, e.g. a setting's list); False for anything unparsable or an empty list."""
    address = _address(ip or "")
    parsed = _networks(tuple(networks or ()))
    return address is not None and bool(parsed) and _trusted(address, parsed)


def client_ip(request) -> str | None:
    peer = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    peer_address = _address(peer or "")
    if not networks or peer_address is None or not _trusted(peer_address, networks):
        return peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer  # a garbled header from a trusted proxy: do not guess
        if not _trusted(address, networks):
            return str(address)
    return str(_address(hops[0])) if hops else peer
