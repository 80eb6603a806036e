from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from apps.authz import catalogue
from apps.core.admin_mixins import ServiceDeleteMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.changes import plain_value

from .models import RoleTemplate, RoleTemplatePermission
from .services import template_changed, template_delete, template_permission_choices


class RoleTemplatePermissionInline(TabularInline):
    model = RoleTemplatePermission
    extra = 0
    fields = ["permission", "granted", "scope", "locked"]
    hide_title = True  # each row's name above it repeats its permission

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "permission":
            kwargs["queryset"] = template_permission_choices()
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "permission":
            field.label_from_instance = catalogue.permission_label  # "Customers · View", not the codename
        return field


@admin.register(RoleTemplate, site=ops_admin)
class RoleTemplateAdmin(ServiceDeleteMixin, ModelAdmin):
    list_display = ["template_name", "key", "business_type", "enabled_by_default", "position", "updated_at"]
    list_filter = ["business_type", "enabled_by_default"]
    search_fields = ["name", "key"]
    inlines = [RoleTemplatePermissionInline]

    @admin.display(description=_("name"), ordering="name")
    def template_name(self, template):
        return template.display_name

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        template_changed(template=obj, actor=request.user, action="changed" if change else "created",
                         changes={field: [plain_value(form.initial.get(field)) if change else None,
                                          plain_value(form.cleaned_data.get(field))] for field in form.changed_data})

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            template_changed(template=form.instance, actor=request.user, action="permissions_changed",
                             changes={"entries": [f"{e.permission.codename}:{e.scope}:{'granted' if e.granted else '-'}"
                                                  f"{':locked' if e.locked else ''}"
                                                  for e in form.instance.entries.select_related("permission")]})

    def delete_with_service(self, request, obj):
        template_delete(template=obj, actor=request.user)


admin_navigation(ops_admin, "platform", model=RoleTemplate, icon="assignment_ind", order=30)
