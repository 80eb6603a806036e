from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminColorInputWidget

from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin

from . import services
from .errors import InvalidLogo
from .models import WorkspaceSettings
from .services import FIELDS, _check_logo


class WorkspaceSettingsForm(forms.ModelForm):
    def clean_logo(self):
        """The service's own check, as a form error (not a 500 from save_model)."""
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):
            try:
                _check_logo(logo)
            except InvalidLogo as error:
                raise forms.ValidationError(error.message, code=error.code) from None
        return logo


@admin.register(WorkspaceSettings, site=tenant_admin)
class WorkspaceSettingsAdmin(ModelAdmin):
    form = WorkspaceSettingsForm
    fieldsets = [
        (None, {"fields": ["display_name", "legal_name", "business_number", "contact_email", "contact_phone",
                           "address"]}),
        (_("Branding"), {"fields": ["logo", "primary_color", "accent_color"]}),
        (_("Locale"), {"fields": ["language", "timezone"]}),
        (_("Notifications"), {"fields": ["notify_email", "notify_sms", "notify_webhook", "notification_email",
                                      "notification_phone"]}),
        (_("API access"), {"fields": ["allowed_origins"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("primary_color", "accent_color"):  # a colour picker (it posts "#rrggbb")
            kwargs["widget"] = UnfoldAdminColorInputWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        """A single row: the list is the settings form."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = services.workspace_settings_get()
        return redirect(reverse("tenant_admin:workspace_workspacesettings_change", args=[row.pk]))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in FIELDS if field in form.cleaned_data}
        logo = form.cleaned_data.get("logo")
        new_logo = logo if logo and "logo" in form.changed_data and hasattr(logo, "content_type") else None
        services.workspace_settings_update(actor=request.user, logo=new_logo,
                                           remove_logo=logo is False, **data)


admin_navigation(tenant_admin, "settings", model=WorkspaceSettings, title=_("Workspace settings"), icon="tune",
                 order=10)

from .domains import admin as domains_admin  # noqa: E402,F401  ("Domains", under Settings)
from .export import admin as export_admin  # noqa: E402,F401  ("Export data", under Settings)
