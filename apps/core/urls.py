"""Absolute URLs the platform hands out: links in e-mails, URLs in API responses,
checkout and webhook addresses. One helper, so that scheme, host and port agree
everywhere: in development the runserver's port, in production https and no port.

Settings: PUBLIC_SCHEME ("http" or "https") and PUBLIC_PORT (the port people reach the
platform on; None for the scheme's default). A request served over TLS (directly, or
behind a proxy that says so through SECURE_PROXY_SSL_HEADER) upgrades the scheme to
https. The port never comes from the request's Host header: it is not validated
(ALLOWED_HOSTS ignores ports), so a forged one would end up in password-reset mails.
"""

from __future__ import annotations

from django.conf import settings
from django.http.request import split_domain_port

_DEFAULT_PORTS = {"http": 80, "https": 443}


def public_scheme(request=None) -> str:
    if request is not None and request.is_secure():
        return "https"
    return settings.PUBLIC_SCHEME


def absolute_url(path: str = "/", *, host: str | None = None, request=None) -> str:
    """`path` on `host` (default: the request's host, else the platform's BASE_DOMAIN)."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url needs a path starting with '/', not {path!r}")
    scheme = public_scheme(request)
    if host is None:
        host = split_domain_port(request.get_host())[0] if request is not None else settings.BASE_DOMAIN
    port = settings.PUBLIC_PORT
    netloc = host if not port or _DEFAULT_PORTS.get(scheme) == int(port) else f"{host}:{port}"
    return f"{scheme}://{netloc}{path}"
