from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .evaluation import flag_enabled


def FlagRequired(key: str) -> type[BasePermission]:  # noqa: N802 (used like a class)
    """DRF permission: the view answers only when flag `key` is on for the caller."""

    class _FlagRequired(BasePermission):
        message = _("This feature is not enabled for your workspace.")
        code = "feature_disabled"

        def has_permission(self, request, view):
            tenant = getattr(request, "tenant", None)
            return tenant is not None and flag_enabled(key, tenant=tenant, user=request.user)

    _FlagRequired.__name__ = f"FlagRequired_{key}"
    return _FlagRequired
