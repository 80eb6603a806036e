"""The workspace on the tenant admin's dashboard (apps.core.dashboard), registered by
WorkspaceConfig.ready():

- the setup step "Set your brand", ticked once the workspace has a logo or colours of its
  own (read from the cached branding the admin's header uses: no query);
- the storage meter: the workspace's tables in PostgreSQL (its schema: tables with their
  indexes and TOAST) plus its stored files (MEDIA_ROOT/<schema>/, see models.logo_path),
  against the plan's `storage_mb`. Measured at most every few minutes per workspace.
"""

from __future__ import annotations

import os

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.admin_sites import tenant_admin
from apps.core.cache import scope, versioned_get_or_build
from apps.core.dashboard import setup_step, usage_meter

from .models import WorkspaceSettings
from .services import workspace_branding
from .storage import tenant_media_storage

STORAGE_CACHE_SECONDS = 300
_SCHEMA_BYTES = """
    SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %s AND c.relkind IN ('r', 'm')
"""


def _default(field: str) -> str:
    return WorkspaceSettings._meta.get_field(field).default


def brand_set(request) -> bool:
    branding = workspace_branding(tenant=request.tenant)
    return bool(branding["logo"]) or (branding["primary"].lower(), branding["accent"].lower()) != (
        _default("primary_color").lower(), _default("accent_color").lower())


def may_change_settings(request) -> bool:
    return tenant_admin.get_model_admin(WorkspaceSettings).has_change_permission(request)


def schema_bytes(schema: str) -> int:
    """The size of the schema's tables in PostgreSQL, indexes and TOAST included."""
    with connection.cursor() as cursor:
        cursor.execute(_SCHEMA_BYTES, [schema])
        return int(cursor.fetchone()[0])


def file_bytes(schema: str) -> int:
    """The size of the workspace's stored files (its folder under the media storage)."""
    root = tenant_media_storage().path(schema)
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:  # removed meanwhile
                continue
    return total


def storage_bytes(schema: str) -> int:
    return schema_bytes(schema) + file_bytes(schema)


def storage_used(request) -> int:
    schema = request.tenant.schema_name
    return versioned_get_or_build(f"workspace:storage:{schema}", [scope("workspace", schema)],
                                  lambda: storage_bytes(schema), STORAGE_CACHE_SECONDS)


def register() -> None:
    setup_step(tenant_admin, "workspace.brand", _("Set your brand"),
               description=_("Your logo and colours on every page your team sees."),
               done=brand_set, url=lambda request: reverse("tenant_admin:workspace_workspacesettings_changelist"),
               order=30, permission=may_change_settings)
    usage_meter(tenant_admin, "storage", _("Storage"), used=storage_used, limit_key="storage_mb", unit="bytes",
                order=40)
