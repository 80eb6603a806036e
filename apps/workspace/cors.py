"""CORS for browser front-ends (django-cors-headers): a workspace's API (`/api/` on its
own hosts) answers a cross-origin request only from its allow-list, its verified custom
domains (as https origins) plus the origins the owner lists in the workspace settings.
Nothing else gets CORS headers: not the admin, not account pages, not the public host.

cors-headers asks `check_request_enabled` whether a request may have CORS headers; we
answer from a cached plain list per workspace, rebuilt when its settings or its domains
change (apps.core.cache scopes `workspace:<schema>` and `tenant:<id>`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from corsheaders.signals import check_request_enabled
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core.cache import scope, versioned_get_or_build
from apps.tenants.models import ROUTING_DOMAIN_STATUSES, Domain
from apps.tenants.routing import is_platform_host

API_PREFIX = "/api/"


def normalise_origins(text: str) -> str:
    """One `scheme://host[:port]` per line, lower case, no duplicates (ValidationError on
    anything else: a path, a wildcard, another scheme)."""
    origins, bad = [], []
    for line in (text or "").replace(",", "\n").splitlines():
        line = line.strip().rstrip("/")
        if not line:
            continue
        parts = urlsplit(line)
        if (parts.scheme not in ("https", "http") or not parts.hostname or parts.path or parts.query
                or parts.fragment or parts.username or "*" in line):
            bad.append(line)
            continue
        origin = f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}"
        if origin not in origins:
            origins.append(origin)
    if bad:
        raise ValidationError({"allowed_origins": _("Not an origin (scheme://host[:port], no path): %(origins)s")
                               % {"origins": ", ".join(bad)}})
    return "\n".join(origins)


def allowed_origins(tenant) -> list[str]:
    """The workspace's CORS allow-list (call inside its schema)."""

    def build():
        from .services import workspace_settings_get

        domains = Domain.objects.filter(tenant_id=tenant.pk, status__in=ROUTING_DOMAIN_STATUSES)
        origins = [f"https://{name}" for name in domains.values_list("domain", flat=True)
                   if not is_platform_host(name)]
        return sorted({*origins, *filter(None, workspace_settings_get().allowed_origins.splitlines())})

    return versioned_get_or_build(f"workspace:cors:{tenant.schema_name}",
                                  [scope("workspace", tenant.schema_name), scope("tenant", tenant.pk)], build, 600)


def cors_enabled_for(sender, request, **kwargs) -> bool:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public or not request.path.startswith(API_PREFIX):
        return False
    if getattr(request, "via_api_host", False):  # the shared API host: no browser origins
        return False
    origin = request.headers.get("origin", "")
    return bool(origin) and origin in allowed_origins(tenant)


def connect() -> None:
    check_request_enabled.connect(cors_enabled_for, dispatch_uid="workspace.cors")
