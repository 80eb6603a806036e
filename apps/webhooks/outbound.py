"""The one way webhooks leave the platform: a POST to an endpoint, with the target
checked against server-side request forgery.

The host is resolved once; unless settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS (development
and tests) every address must be public (not private, loopback, link-local, reserved,
multicast ...); the connection then goes to the checked address itself, so a second
DNS answer cannot send the request elsewhere. For https the certificate and SNI stay
those of the host name. Redirects are never followed; the response is read up to
RESPONSE_LIMIT bytes."""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

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


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    return ip.is_global and not ip.is_multicast


def resolve(url: str, *, allow_private: bool | None = None) -> Target:
    """The URL's target with the one address to connect to, checked."""
    scheme, host, port, path = url_parts(url)
    if allow_private is None:
        allow_private = private_targets_allowed()
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(_("The host %(host)s could not be found.") % {"host": host}) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    allowed = [address for address in addresses if allow_private or address_is_public(address)]
    if not allowed:
        raise TargetRefused(_("%(host)s is a private, loopback or link-local address; webhooks only go to "
                              "public addresses.") % {"host": host})
    return Target(scheme=scheme, host=host, port=port, path=path, address=allowed[0])


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
