from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline

from apps.authz import catalogue
from apps.authz.scopes import Scope
from apps.core.admin_mixins import ServiceDeleteMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError

from . import selectors, services
from .models import Role, RoleAssignment


class RoleAssignmentInline(TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ["user"]
    filter_horizontal = ["branches"]

    # Assignments come with the role: role:change edits them, role:view shows them.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("rbac.view_role") or self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("rbac.change_role")

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Role, site=tenant_admin)
class RoleAdmin(ServiceDeleteMixin, ModelAdmin):
    empty_help = _("Roles decide what staff may see and do. Add one when the ready-made roles don't fit a job.")
    list_display = ["__str__", "key", "is_active", "is_system", "template_key", "created_at"]
    list_filter = ["is_active", "is_system"]
    search_fields = ["name", "key"]
    readonly_fields = ["is_system", "template_key", "granted_permissions", "locked_permissions", "created_at"]
    fields = ["key", "name", "description", "is_active", "is_system", "template_key", "granted_permissions",
              "locked_permissions", "created_at"]
    inlines = [RoleAssignmentInline]
    change_list_template = "admin/rbac/role/change_list.html"

    @admin.display(description=_("permissions"))
    def granted_permissions(self, role):
        """What the role grants, by label and reach; the permission matrix changes it."""
        if role is None or role.pk is None:
            return "—"
        scopes = {catalogue.key_for(g.permission.codename, g.permission.content_type.model): Scope(g.scope).label
                  for g in role.grants.select_related("permission__content_type")}
        items = format_html_join("", "<li>{} <span class=\"scope\">({})</span></li>",
                                 ((catalogue.label_of(key), scopes[key]) for key in catalogue.display_order(scopes)))
        return format_html('<ul class="permission-list">{}</ul><p><a href="{}">{}</a></p>', items or "—",
                           reverse("tenant_admin:rbac_role_matrix"), _("Change them in the permission matrix"))

    @admin.display(description=_("locked permissions"))
    def locked_permissions(self, role):
        keys = catalogue.display_order(role.locked if role is not None else [])
        if not keys:
            return "—"
        return format_html('<ul class="permission-list">{}</ul>',
                           format_html_join("", "<li>{}</li>", ((catalogue.label_of(key),) for key in keys)))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("key")
            if obj.is_system:
                fields.append("is_active")
        return fields

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_system:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.role_update(role=obj, actor=request.user, name=obj.name, description=obj.description,
                                 is_active=obj.is_active)
        else:
            created = services.role_create(key=obj.key, name=obj.name, description=obj.description,
                                           actor=request.user)
            obj.pk = created.pk

    def delete_with_service(self, request, obj):
        services.role_delete(role=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        """Assignments go through the services: audited, and nobody hands out more than
        they hold (rbac.services.grant_check)."""
        from .admin_scoping import request_access

        role = form.instance
        access = request_access(request)
        for inline_form in formset.forms:
            if not inline_form.has_changed() or not inline_form.cleaned_data:
                continue
            user = inline_form.cleaned_data.get("user")
            if user is None:
                continue
            try:
                if inline_form.cleaned_data.get("DELETE"):
                    services.role_unassign(user=user, role=role, actor=request.user)
                    continue
                branches = list(inline_form.cleaned_data.get("branches") or [])
                services.grant_check(access=access, roles=[role], branches=branches)
                services.role_assign(user=user, role=role, branches=branches, actor=request.user)
            except PlatformError as error:
                messages.error(request, f"{user}: {error.message}")
        # what the admin's change message reads (the services wrote the audit log)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def get_urls(self):
        return [path("matrix/", self.admin_site.admin_view(self.matrix_view), name="rbac_role_matrix"),
                *super().get_urls()]

    def matrix_view(self, request):
        """Roles x permissions: one select per cell (not granted / tenant / branch / own);
        cells HQ locked are shown but cannot be changed; the owner column is fixed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        can_change = self.has_change_permission(request)
        roles = list(selectors.role_list().order_by("-is_system", "name"))
        keys = catalogue.all_keys()
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            from .admin_scoping import request_access

            access = request_access(request)
            errors = 0
            for role in roles:
                if role.is_system:
                    continue
                wanted = {key: request.POST.get(f"r{role.pk}:{key}", "") for key in keys}
                grants = {key: scope for key, scope in wanted.items() if scope}
                current = {catalogue.key_for(g.permission.codename, g.permission.content_type.model): g.scope
                           for g in role.grants.all()}
                if grants == {k: v for k, v in current.items() if k in keys}:
                    continue
                try:
                    services.role_update(role=role, actor=request.user, actor_access=access, grants=grants)
                except PlatformError as error:
                    errors += 1
                    keys = error.details.get("perms") or [error.details.get("perm") or ""]
                    perms = ", ".join(catalogue.label_of(key) for key in keys if key)
                    messages.error(request, f"{role}: {error.message} {perms}")
            if not errors:
                messages.success(request, _("The permissions were saved."))
            return redirect(reverse("tenant_admin:rbac_role_matrix"))
        rows = []
        for key in catalogue.display_order(keys):
            resource, action = key.split(":", 1)
            cells = []
            for role in roles:
                current = next((g.scope for g in role.grants.all()
                                if catalogue.key_for(g.permission.codename, g.permission.content_type.model) == key),
                               "")
                cells.append({"name": f"r{role.pk}:{key}", "value": current, "role": role,
                              "locked": role.is_system or key in role.locked or not can_change})
            rows.append({"key": key, "resource": resource, "action": action, "cells": cells,
                         "label": catalogue.label_of(key), "resource_label": catalogue.resource_label(key),
                         "action_label": catalogue.action_label(key)})
        context = {
            **self.admin_site.each_context(request), "title": _("Role permissions"), "opts": self.model._meta,
            "roles": roles, "rows": rows, "scopes": Scope.choices, "can_change": can_change,
        }
        return TemplateResponse(request, "admin/rbac/role/matrix.html", context)


admin_navigation(tenant_admin, "team", model=Role, icon="admin_panel_settings", order=30)
admin_navigation(tenant_admin, "team", url_name="rbac_role_matrix", title=_("Permission matrix"), icon="grid_on",
                 order=40, permission=lambda request: request.user.has_perm("rbac.view_role"))
