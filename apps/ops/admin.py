"""The ops portal's tenant pages: the tenant list (filters: status, plan, business type,
kind, creation date), "Add tenant" (straight to provisioning or through the approval
chain of apps.onboarding), a tenant's page as tabs (overview with the lifecycle actions of
apps.ops.actions, subscription and invoices, usage, domains, audit, status history; the
reads in apps.ops.selectors) and onboarding, and the domains."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.widgets import UnfoldAdminSelectWidget

from apps.backups.selectors import tenant_backups
from apps.backups.urls import backup_urls
from apps.billing.models import Plan
from apps.core.admin_filters import DateRangeFilter, SelectedRelatedFilter
from apps.core.admin_mixins import ReadOnlyInline, ServiceDeleteMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.errors import PlatformError
from apps.onboarding.services import tenant_enrol
from apps.tenants.domain_display import VERIFICATION_FIELDS, DomainVerificationColumns
from apps.tenants.lifecycle import purge_due_at
from apps.tenants.models import Domain, Tenant, TenantStatusChange
from apps.tenants.services import domain_check, domain_delete, domain_save, tenant_update_details, validate_slug
from apps.tenants.validators import locale_choices, timezone_choices

from . import selectors, views


class DomainInline(TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary", "status"]
    readonly_fields = ["status"]  # moved by DNS verification (apps.tenants.domains)
    hide_title = True  # the row's name is its domain, in the row already
    tab = True


def business_type_choices():
    """What a customer's business can be: the platform's own type is not one of them."""
    return [(value, label) for value, label in Tenant.BusinessType.choices if value != Tenant.BusinessType.PLATFORM]


def kind_choices():
    """HQ creates customers and demos; `internal` is the platform's own tenant only."""
    return [(value, label) for value, label in Tenant.Kind.choices if value != Tenant.Kind.INTERNAL]


class TenantCreateForm(forms.ModelForm):
    # A plain text field: Django's SlugField would add its own "letters, numbers,
    # underscores or hyphens" message next to ours, which allows no underscores.
    slug = forms.CharField(label=_("slug"), widget=forms.TextInput(attrs={"maxlength": 40}),
                           help_text=_("Becomes the subdomain and the schema name, e.g. acme. "
                                       "3-40 lowercase letters, digits and hyphens."))
    business_type = forms.ChoiceField(label=_("business type"), choices=business_type_choices)
    # Not required: a client that leaves them out gets the model's defaults.
    kind = forms.ChoiceField(label=_("kind"), choices=kind_choices, initial=Tenant.Kind.CUSTOMER, required=False,
                             help_text=_("A demo is suspended when its demo period ends."))
    locale = forms.ChoiceField(label=_("locale"), choices=locale_choices, initial="ko", required=False)
    timezone = forms.ChoiceField(label=_("time zone"), choices=timezone_choices, initial="Asia/Seoul",
                                 required=False)
    through_approval = forms.BooleanField(
        label=_("Send through the approval chain"), required=False, initial=True,
        help_text=_("Unticked: the workspace is provisioned right away."))

    class Meta:
        model = Tenant
        fields = ["slug", "name", "business_type", "kind", "plan", "owner_email", "owner_name", "contact_phone",
                  "locale", "timezone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        for name in ("kind", "locale", "timezone"):
            cleaned[name] = cleaned.get(name) or Tenant._meta.get_field(name).default
        return cleaned

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        try:
            validate_slug(slug)
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["slug"]) from exc
        return slug


class StatusHistoryInline(ReadOnlyInline):
    model = TenantStatusChange
    fields = ["created_at", "from_status", "to_status", "actor", "reason"]
    verbose_name_plural = _("status history")
    tab = True

    def has_change_permission(self, request, obj=None):
        return False


class PlanFilter(admin.SimpleListFilter):
    """The plan a tenant is on (its subscription's), or none yet."""

    title = _("plan")
    parameter_name = "subscription_plan"
    NONE = "none"

    def lookups(self, request, model_admin):
        plans = [(str(plan.pk), plan.display_name) for plan in Plan.objects.order_by("sort_order", "code")]
        return [*plans, (self.NONE, _("No subscription"))]

    def queryset(self, request, queryset):
        if self.value() == self.NONE:
            return queryset.filter(subscription__isnull=True)
        if self.value():
            return queryset.filter(subscription__plan_id=self.value())
        return queryset


class BusinessTypeFilter(admin.SimpleListFilter):
    """A customer's business types (the platform's own tenant is not listed here)."""

    title = _("business type")
    parameter_name = "business_type"

    def lookups(self, request, model_admin):
        return business_type_choices()

    def queryset(self, request, queryset):
        return queryset.filter(business_type=self.value()) if self.value() else queryset


class KindFilter(BusinessTypeFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


# The tenant page's tabs, in order: (tab id, title, who may see it). The ids are what
# unfold's tabs switch on: "general" is the form, "domains" and "status_changes" are the
# inlines' prefixes, the others are sections of templates/ops/tenant_change_form.html.
DETAIL_TABS = [
    ("general", _("Overview"), None),
    ("billing", _("Subscription and invoices"),
     lambda user: user.has_perm("billing.view_subscription") or user.has_perm("billing.view_invoice")),
    ("usage", _("Usage"), None),
    ("domains", _("Domains"), None),
    ("audit", _("Audit"), lambda user: user.has_perm("audit.view_auditevent")),
    ("backups", _("Backups"), lambda user: user.has_perm("backups.view_backup")),  # apps.backups.views
    ("status_changes", _("Status history"), None),
]


def detail_tabs(user) -> list[str]:
    """The tab ids this HQ user sees on a tenant's page."""
    return [key for key, _title, allowed in DETAIL_TABS if allowed is None or allowed(user)]


@admin.register(Tenant, site=ops_admin)
class TenantAdmin(ModelAdmin):
    empty_help = _("Tenants are the businesses on the platform, each with its own workspace and address.")
    # last activity: flushed from Redis every few minutes (apps.tenants.activity); the page shows the live time
    list_display = ["company", "business_type", "kind", "status_badge", "plan_column", "owner_email", "created_on",
                    "last_activity_at"]
    list_filter = ["status", PlanFilter, BusinessTypeFilter, KindFilter,
                   ("created_at", DateRangeFilter.titled(_("creation date")))]
    search_fields = ["slug", "name", "owner_email", "owner_name", "domains__domain", "market_application_id",
                     "market_tenant_id"]
    list_select_related = ["owner", "plan", "subscription__plan"]
    change_form_template = "ops/tenant_change_form.html"
    list_fullwidth = True  # eight columns: the whole width, not unfold's centred container
    readonly_fields = ["schema_name", "status", "owner", "provisioning_error", "created_at", "approved_at",
                       "activated_at", "suspended_at", "suspended_reason", "deleted_at", "deleted_reason",
                       "purged_at", "market_application_id", "market_tenant_id", "demo_expiry_notified_at"]
    # The overview's cards show status and plan; the form below them edits the details, as tabs (unfold).
    fieldsets = [
        (_("Company"), {"classes": ["tab"], "fields": ["name", "kind", "slug", "schema_name", "business_type"]}),
        (_("Owner and contact"), {"classes": ["tab"], "fields": ["owner", "owner_email", "owner_name",
                                                                 "contact_phone", "locale", "timezone"]}),
        (_("Lifecycle"), {"classes": ["tab"], "fields": ["created_at", "approved_at", "activated_at", "suspended_at",
                                                         "suspended_reason", "deleted_at", "deleted_reason",
                                                         "purged_at", "provisioning_error"]}),
        (_("Demo"), {"classes": ["tab"], "fields": ["demo_expires_at", "demo_expiry_notified_at"]}),
        (_("Service market"), {"classes": ["tab"], "fields": ["market_application_id", "market_tenant_id"]}),
    ]

    @admin.display(description=_("company name"), ordering="name")
    def company(self, obj):
        return format_html('{}<br><small class="text-base-500 dark:text-base-400">{}</small>', obj.name, obj.slug)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="ops-badge {}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description=_("plan"), ordering="subscription__plan__sort_order")
    def plan_column(self, obj):
        subscription = getattr(obj, "subscription", None)
        if subscription is not None:
            return subscription.plan.display_name
        if obj.plan is not None:  # asked for, starts with the subscription
            return format_html('{}<br><small class="text-base-500 dark:text-base-400">{}</small>',
                               obj.plan.display_name, _("requested"))
        return "-"

    @admin.display(description=_("creation date"), ordering="created_at")
    def created_on(self, obj):
        return date_format(localtime(obj.created_at), "SHORT_DATE_FORMAT")

    def get_queryset(self, request):
        # The platform's own (HQ) tenant is not a customer: it is neither listed nor
        # editable here, and the lifecycle services refuse to move it anyway.
        return super().get_queryset(request).exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = TenantCreateForm
        return super().get_form(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        choices = {"locale": locale_choices, "timezone": timezone_choices, "kind": kind_choices}.get(db_field.name)
        if choices is not None:
            return forms.ChoiceField(label=capfirst(db_field.verbose_name), choices=choices, required=True,
                                     widget=UnfoldAdminSelectWidget)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": [*TenantCreateForm.Meta.fields, "through_approval"]})]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The plan belongs to the subscription: it changes through "Change plan" (billing).
        return [*self.readonly_fields, "slug", "business_type", "owner_email", "plan"]

    def get_inlines(self, request, obj):
        return [DomainInline, StatusHistoryInline] if obj else []

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/lifecycle/<slug:action>/",
                 wrap(lambda request, object_id, action: views.lifecycle_action_view(self, request, object_id, action)),
                 name="tenants_tenant_lifecycle"),
            *backup_urls(wrap, self),
            path("<path:object_id>/onboarding/",
                 wrap(lambda request, object_id: views.onboarding_view(self, request, object_id)),
                 name="tenants_tenant_onboarding"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        tenant = self.get_object(request, object_id)
        extra = {}
        if tenant is not None:
            extra = self.detail_context(request, tenant)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def detail_context(self, request, tenant: Tenant) -> dict:
        """What the tabs of a tenant's page show, each only to those who may see it."""
        user = request.user
        tabs = detail_tabs(user)
        titles = {key: title for key, title, _allowed in DETAIL_TABS}
        context = {
            "tabs": tabs,
            # unfold draws these as the page's tabs (its own would be "General" and the inlines only)
            "tab_list": [{"models": [{"name": str(Tenant._meta), "detail": True}],
                          "items": [{"title": titles[key], "link": "", "inline": key, "has_permission": True}
                                    for key in tabs]}],
            "overview": selectors.tenant_overview(tenant, request=request),
            "usage": selectors.tenant_usage(tenant),
            "actions": views.available_actions(user, tenant),
            "has_onboarding": tenant.approval_steps.exists(), "purge_due_at": purge_due_at(tenant),
            "show_save_and_add_another": False,
            "can_view_owner": user.has_perm("accounts.view_user"),
            "can_view_members": user.has_perm("accounts.view_membership"),
        }
        if "billing" in tabs:
            context["billing"] = selectors.tenant_billing(tenant)
            context["can_view_invoices"] = user.has_perm("billing.view_invoice")
            context["can_view_subscription"] = user.has_perm("billing.view_subscription")
            context["can_view_addon_requests"] = user.has_perm("billing.view_addonrequest")
        if "audit" in tabs:
            context["audit"] = selectors.tenant_audit(tenant)
        if "backups" in tabs:
            context["backups"] = tenant_backups(tenant)
            context["can_manage_backups"] = user.has_perm("backups.manage_backup")
        return context

    def save_model(self, request, obj, form, change):
        if change:
            return self._save_details(request, obj, form)
        data = form.cleaned_data
        through_approval = data.get("through_approval", False)
        try:
            created = tenant_enrol(slug=data["slug"], name=data["name"], business_type=data["business_type"],
                                   kind=data["kind"], owner_email=data["owner_email"],
                                   owner_name=data.get("owner_name", ""), contact_phone=data.get("contact_phone", ""),
                                   plan=data.get("plan"), locale=data["locale"], timezone=data["timezone"],
                                   through_approval=through_approval, actor=request.user)
        except ValidationError as exc:  # raced with another create after form validation
            raise PlatformError(" ".join(exc.messages)) from exc
        obj.pk = created.pk
        if through_approval:
            messages.info(request, _("%(name)s waits for approval.") % {"name": created.name})
        else:
            messages.info(request, _("Provisioning of %(name)s has started.") % {"name": created.name})

    def _save_details(self, request, obj, form):
        tenant_update_details(tenant=obj, actor=request.user, fields=form.changed_data)

    def response_add(self, request, obj, post_url_continue=None):
        """Our own message (naming the company) replaces Django's "added successfully"."""
        if "_addanother" in request.POST:
            return redirect(reverse("ops_admin:tenants_tenant_add"))
        if Tenant.objects.filter(pk=obj.pk, status=Tenant.Status.REQUESTED).exists():
            return redirect(reverse("ops_admin:tenants_tenant_onboarding", args=[obj.pk]))
        return redirect(reverse("ops_admin:tenants_tenant_change", args=[obj.pk]))

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


class DomainForm(forms.ModelForm):
    class Meta:
        model = Domain
        fields = ["domain", "tenant", "is_primary"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("domain") and cleaned.get("tenant"):
            try:
                domain_check(domain=self.instance, tenant=cleaned["tenant"], hostname=cleaned["domain"])
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return cleaned


@admin.register(Domain, site=ops_admin)
class DomainAdmin(DomainVerificationColumns, ServiceDeleteMixin, ModelAdmin):
    empty_help = _("The addresses workspaces answer on. Each tenant gets one; add a custom domain here.")
    form = DomainForm
    list_display = ["domain", "tenant", "is_primary", "status_badge"]
    readonly_fields = VERIFICATION_FIELDS
    list_filter = ["is_primary", "status", "tenant__status", "tenant__kind",
                   ("tenant", SelectedRelatedFilter)]
    list_select_related = ["tenant"]
    search_fields = ["domain", "tenant__slug", "tenant__name"]
    autocomplete_fields = ["tenant"]

    def has_change_permission(self, request, obj=None):
        # The platform's own address is shown, never edited here (see domain_check).
        if obj is not None and obj.tenant.is_public:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.tenant.is_public:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        domain_save(domain=obj, actor=request.user)

    def delete_with_service(self, request, obj):
        domain_delete(domain=obj, actor=request.user)


admin_navigation(ops_admin, "tenants", model=Tenant, icon="domain", order=10)
admin_navigation(ops_admin, "tenants", url_name="onboarding_board", title=_("Onboarding board"), icon="view_kanban",
                 order=20, permission=lambda request: request.user.has_perm("onboarding.view_approvalstep"))
admin_navigation(ops_admin, "tenants", model=Domain, icon="language", order=30)

from . import failed_tasks_admin  # noqa: E402, F401  (the "Failed tasks" pages)
