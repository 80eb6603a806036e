from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.admin_sites import ops_admin
from apps.core.errors import PlatformError

from .models import Domain, Tenant
from .services import tenant_create, tenant_retry_provisioning, validate_slug


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary"]


class TenantCreateForm(forms.ModelForm):
    class Meta:
        model = Tenant
        fields = ["slug", "name", "business_type", "owner_email", "owner_name", "contact_phone"]
        help_texts = {"slug": _("Becomes the subdomain and the schema name, e.g. acme.")}

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        try:
            validate_slug(slug)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["slug"]) from exc
        return slug

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("business_type") == Tenant.BusinessType.PLATFORM:
            self.add_error("business_type", _("Choose the kind of business."))
        return cleaned


@admin.register(Tenant, site=ops_admin)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "business_type", "status", "owner_email", "created_at", "activated_at"]
    list_filter = ["status", "business_type"]
    search_fields = ["slug", "name", "owner_email", "domains__domain"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"
    actions = ["retry_provisioning"]
    readonly_fields = ["schema_name", "status", "owner", "provisioning_error", "created_at", "activated_at",
                       "suspended_at", "suspended_reason", "deleted_at", "deleted_reason"]
    fieldsets = [
        (None, {"fields": ["slug", "schema_name", "name", "business_type", "status"]}),
        (_("Owner and contact"), {"fields": ["owner", "owner_email", "owner_name", "contact_phone",
                                             "locale", "timezone"]}),
        (_("Lifecycle"), {"fields": ["created_at", "activated_at", "suspended_at", "suspended_reason",
                                     "deleted_at", "deleted_reason", "provisioning_error"]}),
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = TenantCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": TenantCreateForm.Meta.fields})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "slug", "business_type", "owner_email"]

    def get_inlines(self, request, obj):
        return [DomainInline] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        try:
            created = tenant_create(slug=data["slug"], name=data["name"], business_type=data["business_type"],
                                    owner_email=data["owner_email"], owner_name=data.get("owner_name", ""),
                                    actor=request.user)
        except ValidationError as exc:  # raced with another create after form validation
            raise PlatformError(" ".join(exc.messages)) from exc
        obj.pk = created.pk
        messages.info(request, _("Provisioning of %(slug)s has started.") % {"slug": created.slug})

    def has_delete_permission(self, request, obj=None):
        return False  # tenants are soft-deleted through the lifecycle, never deleted here

    @admin.action(description=_("Retry provisioning"), permissions=["change"])
    def retry_provisioning(self, request, queryset):
        for tenant in queryset:
            try:
                tenant_retry_provisioning(tenant=tenant, actor=request.user)
                self.message_user(request, _("Provisioning of %(slug)s restarted.") % {"slug": tenant.slug})
            except PlatformError as exc:
                self.message_user(request, f"{tenant.slug}: {exc.message}", messages.ERROR)


@admin.register(Domain, site=ops_admin)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    list_select_related = ["tenant"]
    search_fields = ["domain", "tenant__slug", "tenant__name"]
    autocomplete_fields = ["tenant"]
