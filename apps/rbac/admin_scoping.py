"""Tenant admin pieces shared by every workspace app: changelists and objects filtered by
the user's branch scope, and saves that go through services."""

from __future__ import annotations

from django.db import connection
from unfold.admin import ModelAdmin

from apps.authz.access import Access


def workspace_is(request, business_type: str) -> bool:
    """Whether the request's workspace is of `business_type` (a business module's pages
    exist only there: a restaurant has no classes, an academy no kitchen)."""
    from .tenancy import current_tenant

    tenant = getattr(request, "tenant", None)
    if getattr(tenant, "business_type", None) is None:
        tenant = current_tenant()
    return getattr(tenant, "business_type", None) == business_type


class BusinessTypeOnlyAdmin:
    """Every permission of a business module's admin needs a workspace of its
    `business_type` first."""

    business_type = ""

    def has_module_permission(self, request):
        return workspace_is(request, self.business_type) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return workspace_is(request, self.business_type) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return workspace_is(request, self.business_type) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return workspace_is(request, self.business_type) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return workspace_is(request, self.business_type) and super().has_delete_permission(request, obj)


def request_access(request) -> Access:
    """The Access computed by PlatformBackend for this request's user (cached on it)."""
    user = request.user
    user.get_all_permissions()  # fills the cache below
    access = getattr(user, f"_platform_access_{connection.schema_name}", None)
    return access if access is not None else Access(user=user)


class BranchScopedAdmin(ModelAdmin):
    """Rows are limited to what the user's view permission reaches (tenant, branch or
    own scope); editing and deleting need the object to be in scope too."""

    branch_field: str | None = "branch"

    def _perm(self, action: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def get_queryset(self, request):
        return request_access(request).scope_filter(super().get_queryset(request), self._perm("view"),
                                                    branch_field=self.branch_field)

    def _object_branch_id(self, obj):
        return getattr(obj, f"{self.branch_field}_id", None) if self.branch_field else None

    def _in_scope(self, request, action: str, obj) -> bool:
        return request_access(request).allows_object(self._perm(action), obj, branch_id=self._object_branch_id(obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._in_scope(request, "change", obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._in_scope(request, "delete", obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if self.branch_field and db_field.name == self.branch_field:
            # The field points at the branch model (apps.branches, which builds on this
            # module): offer its active rows the user may add in.
            branch_ids = request_access(request).branch_ids(self._perm("add"))
            queryset = db_field.related_model._default_manager.filter(is_active=True)
            kwargs["queryset"] = queryset if branch_ids is None else queryset.filter(pk__in=branch_ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
