"""The shared API host `api.<BASE_DOMAIN>`: the workspace API of the tenant named by the
`X-Tenant: <slug>` header, for clients that cannot follow each workspace's subdomain.

A request is served only with credentials of that workspace: a bearer token whose
`tenant` is the slug, or one of its API keys. Without the header, with an unknown slug, or
with credentials of another workspace (or none): 401, before any view runs. Anything but
`/api/` (the admin, account pages, the landing page) is not served here: 404. The check
runs the workspace's own authentication classes (REST_FRAMEWORK), so the binding is the
one every workspace host enforces; the view's authentication takes that result rather
than checking the same credentials again (apps.core.authentication)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.settings import api_settings

from apps.core.authentication import CHECKED_CREDENTIALS
from apps.core.logging import bind

from .errors import ApiHostPathNotServed, TenantHeaderMissing, TenantHeaderRejected
from .models import Tenant
from .routing import tenant_for_host

HEADER = "X-Tenant"
API_PREFIX = "/api/"


def api_host() -> str:
    return f"api.{settings.BASE_DOMAIN}".lower()


def is_api_host(hostname: str | None) -> bool:
    return hostname is not None and hostname.lower() == api_host()


def _credentials_hold(request) -> bool:
    """Whether the request's bearer token or API key belongs to request.tenant."""
    drf_request = Request(request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES])
    try:
        for authenticator in drf_request.authenticators:
            result = authenticator.authenticate(drf_request)
            if result is not None:
                if result[1] is None:
                    return False  # a session, not a token or a key
                setattr(request, CHECKED_CREDENTIALS, (type(authenticator), result))  # the view reuses it
                return True
    except APIException:  # expired, of another workspace, revoked ...
        return False
    return False


def route_api_host(middleware, request):
    """Route a request on the API host: its tenant, schema and URLconf, or a refusal."""
    if not request.path.startswith(API_PREFIX):
        return middleware._refuse(request, None, ApiHostPathNotServed)
    slug = request.headers.get(HEADER, "").strip().lower()
    if not slug:
        return middleware._refuse(request, None, TenantHeaderMissing)
    tenant = tenant_for_host(f"{slug}.{settings.BASE_DOMAIN}") if slug.replace("-", "").isalnum() else None
    if tenant is None or tenant.status != Tenant.Status.ACTIVE or tenant.is_public:
        return middleware._refuse(request, None, TenantHeaderRejected)  # unknown and closed alike: no hints
    request.tenant = tenant
    connection.set_tenant(tenant)
    middleware.setup_url_routing(request)
    if not _credentials_hold(request):
        return middleware._refuse(request, tenant, TenantHeaderRejected)
    request.via_api_host = True
    bind(tenant=tenant.schema_name)
    return None
