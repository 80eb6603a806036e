"""Workspace settings' refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class InvalidLogo(PlatformError):
    code = "invalid_logo"
    status = 400
    message = _("The logo must be a PNG, JPEG, WebP or GIF image of at most 1 MB.")
