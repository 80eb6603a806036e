from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ServiceDeleteMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin

from .models import ChecklistTemplateItem
from .services import template_item_delete, template_item_save


@admin.register(ChecklistTemplateItem, site=ops_admin)
class ChecklistTemplateItemAdmin(ServiceDeleteMixin, ModelAdmin):
    """The checklist new onboardings start with (HQ-editable)."""

    list_display = ["title", "title_ko", "key", "sort_order", "after_activation", "is_active"]
    list_editable = ["sort_order", "after_activation", "is_active"]
    search_fields = ["title", "title_ko", "key"]

    def save_model(self, request, obj, form, change):
        template_item_save(item=obj, actor=request.user, changed=form.changed_data)

    def delete_with_service(self, request, obj):
        template_item_delete(item=obj, actor=request.user)


admin_navigation(ops_admin, "tenants", model=ChecklistTemplateItem, title=_("Onboarding checklist"), icon="checklist",
                 order=40)
