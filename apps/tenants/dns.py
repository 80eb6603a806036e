"""DNS look-ups for custom domains (dnspython). The resolvers are DNS_RESOLVERS ("ip" or
"ip:port"; empty: the system's), so that tests ask a local server (tests/dns_double.py)
and production may ask a resolver it trusts rather than a cache that lies."""

from __future__ import annotations

import logging

import dns.exception
import dns.resolver
from django.conf import settings

logger = logging.getLogger(__name__)

VERIFY_LABEL = "_platform-verify"


class DnsUnavailable(Exception):
    """No answer either way (timeout, no resolver reachable): the domain keeps its status."""


def verification_record_name(hostname: str) -> str:
    return f"{VERIFY_LABEL}.{hostname}"


def _resolver() -> dns.resolver.Resolver:
    if not settings.DNS_RESOLVERS:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers, ports = [], {}
        for entry in settings.DNS_RESOLVERS:
            host, _sep, port = entry.strip().rpartition(":") if entry.count(":") == 1 else ("", "", "")
            host = host or entry.strip()
            resolver.nameservers.append(host)
            if port:
                ports[host] = int(port)
        resolver.nameserver_ports = ports
    resolver.lifetime = resolver.timeout = settings.DNS_TIMEOUT_SECONDS
    resolver.cache = None  # a record just added (or removed) must be seen at the next check
    return resolver


def txt_values(name: str) -> set[str]:
    """The TXT strings published at `name` (empty when the name or record does not exist)."""
    try:
        answer = _resolver().resolve(name, "TXT")
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return set()
    except (dns.exception.Timeout, dns.resolver.NoNameservers, dns.resolver.LifetimeTimeout) as exc:
        logger.info("DNS lookup of %s failed: %s", name, exc)
        raise DnsUnavailable(str(exc)) from exc
    return {b"".join(record.strings).decode("utf-8", "replace") for record in answer}


def token_published(hostname: str, token: str) -> bool:
    """Whether `_platform-verify.<hostname>` carries `token` (raises DnsUnavailable)."""
    return token in txt_values(verification_record_name(hostname))
