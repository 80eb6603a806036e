"""Workspace settings' refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class InvalidLogo(PlatformError):
    code = "invalid_logo"
    status = 400
    message = _("The logo must be a PNG, JPEG, WebP or GIF image of at most 1 MB.")


# --- Data exports (apps.workspace.export) ----------------------------------------------


class ExportInProgress(PlatformError):
    code = "export_in_progress"
    status = 409
    message = _("An export of the workspace is already being prepared. Wait for it to finish.")


class ExportLinkInvalid(PlatformError):
    code = "export_link_invalid"
    status = 403
    message = _("This download link is not valid. Ask for a new link from the export's page.")


class ExportLinkExpired(PlatformError):
    code = "export_link_expired"
    status = 410
    message = _("This download link has expired. Ask for a new link from the export's page.")


class ExportGone(PlatformError):
    code = "export_gone"
    status = 410
    message = _("This export is no longer available. Prepare a new one.")


class ExportNotReady(PlatformError):
    code = "export_not_ready"
    status = 409
    message = _("This export is not ready yet.")


class ExportNeedsWorkspaceScope(PlatformError):
    code = "export_needs_workspace_scope"
    status = 403
    message = _("Exporting the whole workspace needs this permission for the whole workspace, not for some "
                "branches.")
