from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin

from .models import IndustryTemplate, TemplateApplication
from .services import template_publish


@admin.register(IndustryTemplate, site=ops_admin)
class IndustryTemplateAdmin(ModelAdmin):
    list_display = ["business_type", "version", "display_name", "default_plan", "created_at", "created_by"]
    list_filter = ["business_type"]
    list_select_related = ["default_plan", "created_by"]
    fields = ["business_type", "version", "name", "default_plan", "default_flags", "sample_catalog",
              "notification_templates", "created_at", "created_by"]
    readonly_fields = ["version", "created_at", "created_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "business_type"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        # An edit never changes what existing tenants got: it publishes a new version.
        new = template_publish(template=obj, actor=request.user)
        obj.pk, obj.version = new.pk, new.version
        self.message_user(request, _("Published version %(version)s; tenants provisioned from now on get it.")
                          % {"version": new.version})

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TemplateApplication, site=ops_admin)
class TemplateApplicationAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["tenant", "template", "applied_at"]
    list_filter = ["template__business_type"]
    list_select_related = ["tenant", "template"]
    search_fields = ["tenant__slug"]
    readonly_fields = ["tenant", "template", "applied_at", "result"]


admin_navigation(ops_admin, "platform", model=IndustryTemplate, icon="category", order=20)
admin_navigation(ops_admin, "platform", model=TemplateApplication, icon="history", order=25)
