"""Tenant admin: Settings > Domains. The workspace's addresses with the DNS records a
custom domain needs; adding and removing go through apps.tenants.domains. Who may see or
change them is who may see or change the workspace settings."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.core.admin_mixins import ServiceDeleteMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.rbac.tenancy import current_tenant
from apps.tenants.domain_display import VERIFICATION_FIELDS, DomainVerificationColumns
from apps.tenants.domains import custom_domain_add, custom_domain_remove, validate_custom_hostname
from apps.tenants.models import Domain
from apps.tenants.routing import is_platform_host

VIEW, CHANGE = "workspace.view_workspacesettings", "workspace.change_workspacesettings"


class CustomDomainForm(forms.ModelForm):
    class Meta:
        model = Domain
        fields = ["domain"]
        help_texts = {"domain": _("A host name you control, e.g. shop.example.com. After adding it, publish the "
                                  "DNS records shown on its page.")}

    def clean_domain(self):
        try:
            return validate_custom_hostname(self.cleaned_data.get("domain", ""))
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["domain"]) from None

    def validate_unique(self):  # checked by validate_custom_hostname; the tenant is set by the service
        pass


class WorkspaceDomainAdmin(DomainVerificationColumns, ServiceDeleteMixin, ModelAdmin):
    form = CustomDomainForm
    list_display = ["domain", "status_badge", "dns_records", "checked_at"]
    fields = ["domain", *VERIFICATION_FIELDS]
    readonly_fields = VERIFICATION_FIELDS
    ordering = ["-is_primary", "domain"]
    empty_help = _("Your workspace answers on its platform address. Add your own domain here.")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(tenant=current_tenant())

    def get_fields(self, request, obj=None):
        return ["domain"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["domain", *self.readonly_fields]

    def has_module_permission(self, request):
        return request.user.has_perm(VIEW)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(VIEW) or request.user.has_perm(CHANGE)

    def has_add_permission(self, request):
        return request.user.has_perm(CHANGE)

    def has_change_permission(self, request, obj=None):
        return False  # a domain is added or removed, never renamed (a new name needs a new proof)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_primary or is_platform_host(obj.domain)):
            return False
        return request.user.has_perm(CHANGE)

    def save_model(self, request, obj, form, change):
        domain = custom_domain_add(tenant=current_tenant(), hostname=form.cleaned_data["domain"],
                                   actor=request.user)
        obj.pk, obj.tenant_id, obj.status = domain.pk, domain.tenant_id, domain.status

    def delete_with_service(self, request, obj):
        custom_domain_remove(domain=obj, actor=request.user)


tenant_admin.register(Domain, WorkspaceDomainAdmin)
admin_navigation(tenant_admin, "settings", model=Domain, title=_("Domains"), icon="language", order=20)
