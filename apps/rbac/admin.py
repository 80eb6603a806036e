from django.contrib import admin

from apps.core.admin_sites import tenant_admin

from .models import Role, RoleAssignment
from .services import tenant_permissions


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Role, site=tenant_admin)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "is_system", "created_at"]
    search_fields = ["name", "key"]
    filter_horizontal = ["permissions"]
    readonly_fields = ["is_system", "created_at"]
    inlines = [RoleAssignmentInline]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions":
            kwargs["queryset"] = tenant_permissions().select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_system:
            return False
        return super().has_delete_permission(request, obj)
