"""API building blocks for workspace endpoints: the permission check shared with the
admin (resource:action mapped onto Django permissions, with scopes), cursor pagination,
and a base view that scopes querysets to the caller."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated

from apps.accounts.callers import api_access
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.authz import catalogue
from apps.authz.access import Access
from apps.core.filters import FilterBackend, OrderingFilter, SearchFilter
from apps.core.keyset import KeysetPagination

from .tenancy import current_tenant


class PermissionMissing(exceptions.PermissionDenied):
    default_code = "permission_denied"

    def __init__(self, perm: str):
        super().__init__(_("Your role does not allow this (%(perm)s).") % {"perm": perm})


class HasWorkspacePermission(BasePermission):
    """`view.perms`: {"GET": "customer:view", "POST": "customer:add", ...}."""

    def has_permission(self, request, view):
        perm = view.perms.get(request.method) or view.perms.get("*")
        if perm is None:
            raise exceptions.MethodNotAllowed(request.method)
        if not api_access(request).has(catalogue.django_perm(perm)):
            permission_denied_event(request, perm)
            raise PermissionMissing(perm)
        return True


def permission_denied_event(request, perm: str) -> None:
    """Audit a refusal for want of `perm` (the REST permission class's, GraphQL's)."""
    user = request.user if getattr(request.user, "pk", None) else None
    audit_record(action="auth.permission_denied", category=AuditEvent.Category.SECURITY, actor=user,
                 tenant=current_tenant(), metadata={"perm": perm, "path": request.path, "method": request.method,
                                                     "api_key": getattr(request.auth, "prefix", None)})


class WorkspaceCursorPagination(KeysetPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


class WorkspaceApi(GenericAPIView):
    permission_classes = [IsAuthenticated, HasWorkspacePermission]
    perms: dict[str, str] = {}
    pagination_class = WorkspaceCursorPagination

    @property
    def access(self) -> Access:
        return api_access(self.request)

    @property
    def actor(self):
        """The person acting (None for an API key: the audit log records the key's requests
        through its own events)."""
        user = self.request.user
        return user if getattr(user, "pk", None) else None

    def perm_name(self) -> str:
        perm = self.perms.get(self.request.method) or self.perms.get("*")
        return catalogue.django_perm(perm)

    def branch_ids(self) -> set[int] | None:
        """Where the current action may act (None: everywhere)."""
        return self.access.branch_ids(self.perm_name())


LIST_BACKENDS = [FilterBackend, SearchFilter, OrderingFilter]
