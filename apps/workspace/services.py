from __future__ import annotations

from django.db import transaction

from apps.audit.services import audit_record
from apps.core.cache import bump, scope, versioned_get_or_build
from apps.core.changes import model_update
from apps.rbac.tenancy import current_tenant

from .errors import InvalidLogo
from .models import WorkspaceSettings

FIELDS = ["display_name", "legal_name", "business_number", "contact_email", "contact_phone", "address",
          "primary_color", "accent_color", "language", "timezone", "notify_email", "notify_sms", "notify_webhook",
          "notification_email", "notification_phone", "allowed_origins"]
LOGO_MAX_BYTES = 1024 * 1024
# First bytes of the image formats a logo may have (SVG is refused: it can carry scripts).
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg", b"RIFF": "webp", b"GIF8": "gif"}


def workspace_settings_get() -> WorkspaceSettings:
    settings_row = WorkspaceSettings.objects.filter(pk=1).first()
    if settings_row is None:
        tenant = current_tenant()
        settings_row, _created = WorkspaceSettings.objects.get_or_create(
            pk=1, defaults={"display_name": tenant.name, "language": tenant.locale if tenant.locale in ("ko", "en")
                            else "ko", "timezone": tenant.timezone, "contact_email": tenant.owner_email})
    return settings_row


def _check_logo(logo) -> None:
    if logo.size > LOGO_MAX_BYTES:
        raise InvalidLogo(details={"logo": [str(InvalidLogo.message)]})
    head = logo.read(12)
    logo.seek(0)
    kind = next((k for sig, k in _SIGNATURES.items() if head.startswith(sig)), None)
    if kind is None or (kind == "webp" and head[8:12] != b"WEBP"):
        raise InvalidLogo(details={"logo": [str(InvalidLogo.message)]})
    logo.name = f"logo.{kind}"


def workspace_settings_update(*, actor, logo=None, remove_logo: bool = False, **data) -> WorkspaceSettings:
    row = workspace_settings_get()
    if logo is not None:
        _check_logo(logo)
    with transaction.atomic():
        old_logo = row.logo.name if row.logo else ""
        if logo is not None:
            row.logo.save(logo.name, logo, save=False)  # stores the file; the row is saved below
            data = {**data, "logo": row.logo}
        elif remove_logo:
            data = {**data, "logo": ""}
        row.logo = old_logo
        changes = model_update(row, data=data, fields=FIELDS + ["logo"], clean_exclude=["logo"])
        if changes:
            audit_record(action="workspace.settings_updated", actor=actor, target=row, tenant=current_tenant(),
                         changes=changes)
        branding_forget(tenant=current_tenant())
        if old_logo and (logo is not None or remove_logo):
            storage = row.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return row


def workspace_branding(*, tenant) -> dict:
    """Name, colours and logo for the tenant admin's header (cached per tenant under its
    settings' scope and the tenant's, whose name it falls back to; apps.core.cache)."""

    def build():
        row = workspace_settings_get()
        return {"name": row.display_name or tenant.name, "primary": row.primary_color, "accent": row.accent_color,
                "logo": "/branding/logo/" if row.logo else ""}

    return versioned_get_or_build(f"workspace:branding:{tenant.schema_name}",
                                  [scope("workspace", tenant.schema_name), scope("tenant", tenant.pk)], build, 600)


def branding_forget(*, tenant) -> None:
    """The workspace's settings change: its branding is rebuilt once the transaction commits."""
    bump(scope("workspace", tenant.schema_name))
