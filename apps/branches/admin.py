from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.phone import phone_column
from apps.rbac.admin_scoping import BranchScopedAdmin

from . import services
from .models import Branch
from .services import FIELDS


@admin.register(Branch, site=tenant_admin)
class BranchAdmin(BranchScopedAdmin):
    empty_help = _("Branches are your locations. Customers and staff belong to one.")
    branch_field = "pk"
    list_display = ["name", phone_column(Branch), "timezone", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "address", "phone"]
    fields = FIELDS

    def _object_branch_id(self, obj):
        return obj.pk

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in FIELDS if field in form.cleaned_data}
        if change:
            # the stored row: `obj` already holds the form's values (the service compares and checks limits)
            services.branch_update(branch=Branch.objects.get(pk=obj.pk), actor=request.user, **data)
        else:
            obj.pk = services.branch_create(actor=request.user, **data).pk

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: customers and history point at branches


admin_navigation(tenant_admin, "branches", model=Branch, icon="store", order=10)
