from django.contrib import admin

from apps.core.admin_sites import ops_admin

from .models import ChecklistTemplateItem


@admin.register(ChecklistTemplateItem, site=ops_admin)
class ChecklistTemplateItemAdmin(admin.ModelAdmin):
    """The checklist new onboardings start with (HQ-editable)."""

    list_display = ["title", "title_ko", "key", "sort_order", "after_activation", "is_active"]
    list_editable = ["sort_order", "after_activation", "is_active"]
    search_fields = ["title", "title_ko", "key"]

    def save_model(self, request, obj, form, change):
        from .services import template_item_save

        template_item_save(item=obj, actor=request.user, changed=form.changed_data)

    def delete_model(self, request, obj):
        from .services import template_item_delete

        template_item_delete(item=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        from .services import template_item_delete

        for item in queryset:
            template_item_delete(item=item, actor=request.user)
