from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.authz import catalogue
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.rbac.admin_scoping import request_access

from . import services
from .models import ApiKey


class ApiKeyForm(forms.ModelForm):
    perms = forms.MultipleChoiceField(label=_("permissions"), widget=forms.CheckboxSelectMultiple, choices=())

    class Meta:
        model = ApiKey
        fields = ["name", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["perms"].choices = [(key, catalogue.label_of(key))
                                        for key in catalogue.display_order(catalogue.all_keys())]

    def clean_expires_at(self):
        expires_at = self.cleaned_data.get("expires_at")
        try:
            services.expiry_check(expires_at)
        except PlatformError as error:
            raise forms.ValidationError(error.message) from None
        return expires_at

    def clean_perms(self):
        perms = self.cleaned_data["perms"]
        too_wide = [key for key in perms if catalogue.django_perm(key) not in self.actor_perms]
        if too_wide:
            raise forms.ValidationError(_("You do not have these permissions yourself: %(perms)s")
                                        % {"perms": ", ".join(catalogue.label_of(key) for key in too_wide)})
        return perms


@admin.register(ApiKey, site=tenant_admin)
class ApiKeyAdmin(ModelAdmin):
    empty_help = _("API keys let your own software use this workspace's API. Create one per system.")
    form = ApiKeyForm
    list_display = ["name", "prefix", "expires_at", "last_used_at", "revoked_at", "created_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["name", "expires_at", "perms"] if obj is None else self.get_readonly_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["name", "prefix", "permission_labels", "expires_at", "last_used_at",
                                       "revoked_at", "created_at"]

    @admin.display(description=_("permissions"))
    def permission_labels(self, api_key):
        labels = sorted(catalogue.permission_label(perm)
                        for perm in api_key.permissions.select_related("content_type"))
        if not labels:
            return "—"
        return format_html('<ul class="permission-list">{}</ul>',
                           format_html_join("", "<li>{}</li>", ((label,) for label in labels)))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("ApiKeyFormFor", (form,), {"actor_perms": services.tenant_wide_perms(request_access(request))})

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead; the record stays for the audit trail

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        api_key, secret = services.api_key_create(
            name=data["name"], perms=data["perms"], expires_at=data.get("expires_at"), actor=request.user,
            actor_access=request_access(request))
        form.instance.pk = api_key.pk
        messages.warning(request, _("Copy the key now, it will not be shown again: %(key)s") % {"key": secret})

    @admin.action(description=_("Revoke selected keys"), permissions=["change"])
    def revoke(self, request, queryset):
        for api_key in queryset:
            services.api_key_revoke(api_key=api_key, actor=request.user)


admin_navigation(tenant_admin, "settings", model=ApiKey, icon="key", order=20)
