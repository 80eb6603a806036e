"""The one way webhooks leave the platform: a POST to an endpoint, with the target
checked against server-side request forgery.

The host is resolved once, within WEBHOOKS_DNS_TIMEOUT_SECONDS; unless
settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS (development and tests) every address it resolves
to must be public (not private, loopback, link-local, reserved, multicast ..., nor an IPv6
address wrapping such an IPv4 one: mapped, NAT64, 6to4, Teredo, IPv4-compatible); the
connection then goes to the checked address itself, so a second DNS answer cannot send
the request elsewhere. For https the certificate and SNI stay
those of the host name. Redirects are never followed; the response is read up to
RESPONSE_LIMIT bytes."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from urllib3.exceptions import HTTPError, NewConnectionError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

RESPONSE_LIMIT = 2048

try:
    import certifi

    CA_CERTS = certifi.where()
except ImportError:  # the system's store
    CA_CERTS = None


class TargetRefused(Exception):
    """The URL may not be called (scheme, host, or an address that is not public)."""


class LookupTimedOut(TargetRefused):
    """The host's DNS lookup took too long (worth another try later, unlike a refusal)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (the certificate's name, the Host header)
    port: int
    path: str  # with the query
    address: str  # the checked IP the connection goes to


@dataclass
class Outcome:
    status_code: int | None = None
    body: str = ""
    error: str = ""
    latency_ms: int = 0
    timed_out: bool = False
    connection_failed: bool = False
    refused: bool = False  # never sent: the target is not allowed


def private_targets_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", False))


def url_parts(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an http(s) URL, else TargetRefused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise TargetRefused(_("This is not a valid URL.")) from None
    if parts.scheme not in ("http", "https"):
        raise TargetRefused(_("The URL must start with http:// or https://."))
    if not parts.hostname:
        raise TargetRefused(_("The URL has no host."))
    if parts.username or parts.password:
        raise TargetRefused(_("The URL must not contain a user name or password."))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def url_redacted(url: str | None) -> str | None:
    """The URL as the audit log keeps it: query values (tokens live there) and any fragment
    replaced by ***, the parameter names kept."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    if not parts.query and not parts.fragment:
        return url
    pieces = [name + "=***" if separator else "***" for name, separator, _value in
              (piece.partition("=") for piece in parts.query.split("&"))] if parts.query else []
    return urlunsplit(parts._replace(query="&".join(pieces), fragment="***" if parts.fragment else ""))


# IPv6 ranges that carry an IPv4 address (RFC 6052 NAT64, RFC 4291 IPv4-compatible) or
# that are never public (RFC 8215 local-use NAT64: the IPv4 address sits at a prefix-
# dependent place, so the whole range is refused rather than unwrapped).
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _is_public(ip) -> bool:
    return ip.is_global and not ip.is_multicast


def _wrapped_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to (6to4, Teredo's server and client, NAT64)."""
    if ip in NAT64:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    return []


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 4:
        return _is_public(ip)
    if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d itself
        return _is_public(ip.ipv4_mapped)
    if ip in IPV4_COMPATIBLE or ip in NAT64_LOCAL:
        return False
    return _is_public(ip) and all(_is_public(inner) for inner in _wrapped_ipv4(ip))


def dns_timeout() -> float:
    return float(getattr(settings, "WEBHOOKS_DNS_TIMEOUT_SECONDS", 5))


def _lookup(host: str, port: int) -> list[str]:
    """The host's addresses. getaddrinfo has no timeout of its own: it runs in a thread
    that is abandoned (it ends when the resolver gives up) once WEBHOOKS_DNS_TIMEOUT_SECONDS
    pass, so an attempt always ends within the lease that keeps others from sending it."""
    result: dict = {}

    def lookup():
        try:
            result["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            result["error"] = exc

    thread = threading.Thread(target=lookup, name="webhook-dns", daemon=True)
    thread.start()
    thread.join(dns_timeout())
    if thread.is_alive():
        raise LookupTimedOut(_("Looking up the host %(host)s took longer than %(seconds)s s.") % {
            "host": host, "seconds": dns_timeout()})
    if "error" in result:
        raise TargetRefused(_("The host %(host)s could not be found.") % {"host": host})
    return list(dict.fromkeys(info[4][0] for info in result["infos"]))


def resolve(url: str, *, allow_private: bool | None = None) -> Target:
    """The URL's target with the one address to connect to, checked: every address the
    host has must be public (one private answer among public ones refuses it too)."""
    scheme, host, port, path = url_parts(url)
    if allow_private is None:
        allow_private = private_targets_allowed()
    addresses = _lookup(host, port)
    if not addresses or not (allow_private or all(address_is_public(address) for address in addresses)):
        raise TargetRefused(_("%(host)s is a private, loopback or link-local address; webhooks only go to "
                              "public addresses.") % {"host": host})
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = 443 if target.scheme == "https" else 80
    return host if target.port == default else f"{host}:{target.port}"


def _pool(target: Target, timeout: urllib3.Timeout):
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address, target.port, timeout=timeout, maxsize=1, retries=False, cert_reqs="CERT_REQUIRED",
            ca_certs=CA_CERTS, assert_hostname=target.host, server_hostname=target.host)
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout, maxsize=1, retries=False)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float | None = None,
         allow_private: bool | None = None) -> Outcome:
    """POST `body` to `url`; never raises for what the network or the endpoint does."""
    if timeout is None:
        timeout = getattr(settings, "WEBHOOKS_TIMEOUT_SECONDS", 15)
    started = time.perf_counter()
    outcome = Outcome()
    try:
        target = resolve(url, allow_private=allow_private)
    except LookupTimedOut as slow:
        outcome.error, outcome.timed_out = str(slow), True
        outcome.latency_ms = int((time.perf_counter() - started) * 1000)
        return outcome
    except TargetRefused as refused:
        outcome.error, outcome.refused = str(refused), True
        return outcome
    pool = _pool(target, urllib3.Timeout(total=timeout))
    try:
        response = pool.urlopen("POST", target.path, body=body, headers={**headers, "Host": _host_header(target)},
                                redirect=False, retries=False, preload_content=False, assert_same_host=False)
        try:
            outcome.status_code = response.status
            outcome.body = response.read(RESPONSE_LIMIT).decode("utf-8", "replace")
        finally:
            response.release_conn()
    except NewConnectionError as exc:  # urllib3 makes it a ConnectTimeoutError too: it is not one
        outcome.error, outcome.connection_failed = _("Connection failed: %(error)s") % {"error": exc}, True
    except Urllib3Timeout as exc:
        outcome.error, outcome.timed_out = _("Timed out after %(seconds)s s (%(error)s)") % {
            "seconds": timeout, "error": type(exc).__name__}, True
    except SSLError as exc:
        outcome.error, outcome.connection_failed = _("TLS failed: %(error)s") % {"error": exc}, True
    except (HTTPError, OSError) as exc:
        outcome.error, outcome.connection_failed = _("Connection failed: %(error)s") % {"error": exc}, True
    finally:
        pool.close()
        outcome.latency_ms = int((time.perf_counter() - started) * 1000)
    outcome.error = outcome.error[:500]
    return outcome
