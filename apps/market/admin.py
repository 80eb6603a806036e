from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.errors import PlatformError

from .models import PlatformApiKey
from .services import apikey_issue, apikey_revoke


class PlatformApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("What the key may do"), widget=forms.CheckboxSelectMultiple,
                                       choices=PlatformApiKey.Scope.choices)

    class Meta:
        model = PlatformApiKey
        fields = ["name"]


@admin.register(PlatformApiKey, site=ops_admin)
class PlatformApiKeyAdmin(ModelAdmin):
    form = PlatformApiKeyForm
    list_display = ["name", "prefix", "scope_labels", "created_by", "created_at", "last_used_at", "active"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    list_select_related = ["created_by", "revoked_by"]
    fields = ["name"]
    readonly_fields = ["prefix", "scope_labels", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    @admin.display(description=_("active"), boolean=True)
    def active(self, obj):
        return obj.is_active

    @admin.display(description=_("scopes"))
    def scope_labels(self, obj):
        labels = dict(PlatformApiKey.Scope.choices)
        return ", ".join(str(labels.get(scope, scope)) for scope in obj.scopes)

    def get_fields(self, request, obj=None):
        return ["name", "scopes"] if obj is None else ["name", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the row stays for the audit trail

    def has_revoke_permission(self, request):
        return request.user.has_perm("market.revoke_platformapikey")

    def save_model(self, request, obj, form, change):
        key, raw = apikey_issue(name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"],
                                actor=request.user)
        obj.pk = key.pk
        messages.warning(request, format_html(
            '{} <code id="new-api-key">{}</code>',
            _("Copy the new key now; it is not shown again:"), raw))

    @admin.action(description=_("Revoke selected keys"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for key in queryset:
            try:
                apikey_revoke(key=key, actor=request.user)
            except PlatformError as exc:
                self.message_user(request, f"{key}: {exc.message}", messages.ERROR)
        self.message_user(request, _("The selected keys are revoked."))


admin_navigation(ops_admin, "platform", model=PlatformApiKey, title=_("Platform API keys"), icon="key",
                 order=50)
