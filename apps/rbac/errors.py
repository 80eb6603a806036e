"""Roles' refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import Conflict, PlatformError


class LockedPermission(PlatformError):
    code = "permission_locked"
    status = 403
    message = _("HQ locked this permission for this role; it cannot be changed here.")


class SystemRole(PlatformError):
    code = "system_role"
    status = 403
    message = _("The owner role is managed by the platform and always has every permission.")


class GrantTooWide(PlatformError):
    code = "grant_too_wide"
    status = 403
    message = _("You cannot give a role with permissions you do not have yourself.")


class InvalidScope(PlatformError):
    code = "invalid_scope"
    status = 400
    message = _("“%(scope)s” is not a scope; use tenant, branch or own.")


class LastOwner(Conflict):
    code = "last_owner"
    message = _("The workspace needs at least one owner.")


class RoleInUse(Conflict):
    code = "role_in_use"
    message = _("Remove this role from its %(count)s staff members first, or disable it.")
