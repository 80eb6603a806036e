from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from apps.core.admin_mixins import ServiceDeleteMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.tenants.models import Tenant

from .evaluation import WHY_LABELS, flag_matrix
from .models import Flag, FlagOverride, FlagRule
from .selectors import STALE_AFTER_DAYS, flags_stale
from .services import flag_delete, flag_save


class FlagRuleInline(TabularInline):
    model = FlagRule
    extra = 0
    fields = ["position", "kind", "values", "percentage", "enabled"]


class FlagOverrideInline(TabularInline):
    model = FlagOverride
    extra = 0
    fields = ["tenant", "enabled", "reason", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    raw_id_fields = ["tenant"]


class StaleFilter(admin.SimpleListFilter):
    title = _("stale")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", _("Stale"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=flags_stale().values("pk"))
        return queryset


@admin.register(Flag, site=ops_admin)
class FlagAdmin(ServiceDeleteMixin, ModelAdmin):
    empty_help = _("Feature flags turn a feature on for some tenants first. Add a flag, then its rules.")
    list_display = ["key", "description", "default_enabled", "rule_count", "owner", "expires_on", "permanent",
                    "updated_at"]
    list_filter = [StaleFilter, "default_enabled", "permanent"]
    search_fields = ["key", "description"]
    list_select_related = ["owner"]
    inlines = [FlagRuleInline, FlagOverrideInline]
    fields = ["key", "description", "default_enabled", "owner", "expires_on", "permanent"]
    change_list_template = "admin/flags/flag/change_list.html"

    @admin.display(description=_("rules"))
    def rule_count(self, obj):
        return len(obj.rules.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rules")

    def save_model(self, request, obj, form, change):
        pass  # flag_save writes the flag with its inlines (save_related), audited before/after

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, FlagOverride):
                instance.created_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()

    def save_related(self, request, form, formsets, change):
        flag_save(flag=form.instance, actor=request.user,
                  save_related=lambda: super(FlagAdmin, self).save_related(request, form, formsets, change))

    def delete_with_service(self, request, obj):
        flag_delete(flag=obj, actor=request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("matrix/", view(self.matrix_view), name="flags_flag_matrix"),
            path("stale/", view(self.stale_view), name="flags_flag_stale"),
        ] + super().get_urls()

    def matrix_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        tenants = (Tenant.objects.exclude(schema_name="public").exclude(status__in=["deleted", "purged"])
                   .select_related("subscription__plan").order_by("slug"))
        keys, rows = flag_matrix(tenants=tenants)
        rows = [(tenant, [(value, WHY_LABELS[why]) for value, why in cells]) for tenant, cells in rows]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "keys": keys, "rows": rows,
                   "title": _("Feature flags by tenant")}
        return TemplateResponse(request, "admin/flags/flag/matrix.html", context)

    def stale_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "flags": flags_stale(), "days": STALE_AFTER_DAYS, "title": _("Stale feature flags")}
        return TemplateResponse(request, "admin/flags/flag/stale.html", context)


admin_navigation(ops_admin, "platform", model=Flag, title=_("Feature flags"), icon="toggle_on", order=10)
admin_navigation(ops_admin, "platform", url_name="flags_flag_matrix", title=_("Flag × tenant matrix"), icon="grid_on",
                 order=15, permission=lambda request: request.user.has_perm("flags.view_flag"))
