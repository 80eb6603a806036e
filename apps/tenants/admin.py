from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.admin_sites import ops_admin
from apps.core.errors import PlatformError

from apps.billing.models import Plan

from .models import Domain, Tenant, TenantStatusChange
from .services import domain_delete, domain_save, tenant_create, validate_slug


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary"]


class TenantCreateForm(forms.ModelForm):
    through_approval = forms.BooleanField(
        label=_("Send through the approval chain"), required=False, initial=True,
        help_text=_("Unticked: the workspace is provisioned right away."))

    class Meta:
        model = Tenant
        fields = ["slug", "name", "business_type", "plan", "owner_email", "owner_name", "contact_phone"]
        help_texts = {"slug": _("Becomes the subdomain and the schema name, e.g. acme.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(is_active=True)

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


class StatusHistoryInline(admin.TabularInline):
    model = TenantStatusChange
    extra = 0
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("status history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Tenant, site=ops_admin)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "business_type", "status_badge", "plan", "owner_email", "created_at",
                    "activated_at"]
    list_filter = ["status", "business_type", "plan", "market_kind"]
    search_fields = ["slug", "name", "owner_email", "domains__domain", "market_application_id"]
    list_select_related = ["owner", "plan"]
    date_hierarchy = "created_at"
    change_form_template = "ops/tenant_change_form.html"
    change_list_template = "ops/tenant_change_list.html"
    readonly_fields = ["schema_name", "status", "owner", "provisioning_error", "created_at", "approved_at",
                       "activated_at", "suspended_at", "suspended_reason", "deleted_at", "deleted_reason",
                       "purged_at", "market_application_id", "market_kind"]
    fieldsets = [
        (None, {"fields": ["slug", "schema_name", "name", "business_type", "status", "plan"]}),
        (_("Owner and contact"), {"fields": ["owner", "owner_email", "owner_name", "contact_phone",
                                             "locale", "timezone"]}),
        (_("Service market"), {"fields": ["market_application_id", "market_kind"]}),
        (_("Lifecycle"), {"fields": ["created_at", "approved_at", "activated_at", "suspended_at",
                                     "suspended_reason", "deleted_at", "deleted_reason", "purged_at",
                                     "provisioning_error"]}),
    ]

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        from django.utils.html import format_html

        return format_html('<span class="ops-badge {}">{}</span>', obj.status, obj.get_status_display())

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = TenantCreateForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": [*TenantCreateForm.Meta.fields, "through_approval"]})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "slug", "business_type", "owner_email"]

    def get_inlines(self, request, obj):
        return [DomainInline, StatusHistoryInline] if obj else []

    def get_urls(self):
        from django.urls import path

        from apps.ops import views

        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/lifecycle/<slug:action>/",
                 wrap(lambda request, object_id, action: views.lifecycle_action_view(self, request, object_id, action)),
                 name="tenants_tenant_lifecycle"),
            path("<path:object_id>/onboarding/",
                 wrap(lambda request, object_id: views.onboarding_view(self, request, object_id)),
                 name="tenants_tenant_onboarding"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from apps.ops import selectors, views

        tenant = self.get_object(request, object_id)
        extra = {}
        if tenant is not None:
            from apps.tenants.lifecycle import purge_due_at

            extra = {"usage": selectors.tenant_usage(tenant), "actions": views.available_actions(request.user, tenant),
                     "has_onboarding": tenant.approval_steps.exists(), "purge_due_at": purge_due_at(tenant)}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        if change:
            return self._save_details(request, obj, form)
        data = form.cleaned_data
        through_approval = data.get("through_approval", False)
        try:
            from django.db import transaction

            with transaction.atomic():
                created = tenant_create(slug=data["slug"], name=data["name"], business_type=data["business_type"],
                                        owner_email=data["owner_email"], owner_name=data.get("owner_name", ""),
                                        contact_phone=data.get("contact_phone", ""), plan=data.get("plan"),
                                        provision=not through_approval, actor=request.user)
                if through_approval:
                    from apps.onboarding.services import onboarding_open

                    onboarding_open(tenant=created)
        except ValidationError as exc:  # raced with another create after form validation
            raise PlatformError(" ".join(exc.messages)) from exc
        obj.pk = created.pk
        if through_approval:
            messages.info(request, _("%(slug)s waits for the approval chain.") % {"slug": created.slug})
        else:
            messages.info(request, _("Provisioning of %(slug)s has started.") % {"slug": created.slug})

    def _save_details(self, request, obj, form):
        from .services import tenant_update_details

        tenant_update_details(tenant=obj, actor=request.user, fields=form.changed_data)

    def response_add(self, request, obj, post_url_continue=None):
        from django.shortcuts import redirect
        from django.urls import reverse

        if Tenant.objects.filter(pk=obj.pk, status=Tenant.Status.REQUESTED).exists():
            return redirect(reverse("ops_admin:tenants_tenant_onboarding", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Domain:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        try:
            for domain in formset.deleted_objects:
                domain_delete(domain=domain, actor=request.user)
            for domain in instances:
                domain_save(domain=domain, actor=request.user)
        except (PlatformError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))

    def has_delete_permission(self, request, obj=None):
        return False  # tenants are soft-deleted through the lifecycle, never deleted here


@admin.register(Domain, site=ops_admin)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    list_select_related = ["tenant"]
    search_fields = ["domain", "tenant__slug", "tenant__name"]
    autocomplete_fields = ["tenant"]

    def save_model(self, request, obj, form, change):
        domain_save(domain=obj, actor=request.user)

    def delete_model(self, request, obj):
        domain_delete(domain=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for domain in queryset:
            domain_delete(domain=domain, actor=request.user)
