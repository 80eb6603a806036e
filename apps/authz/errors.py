"""Authz's refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class UnknownPermission(PlatformError):
    code = "unknown_permission"
    status = 400
    message = _("There is no such permission. Use resource:action, e.g. customer:view.")
