from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action

from apps.accounts.models import User
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.core.phone import phone_column, phone_search_digits
from apps.core.renderers import csv_download
from apps.rbac.admin_scoping import BranchScopedAdmin, request_access
from apps.rbac.services import object_grant

from . import selectors, services
from .models import Customer, GuardianContact, Tag

GUARDIAN_FIELDS = ["name", "relation", "phone", "email"]


class GuardianFormSet(BaseInlineFormSet):
    """Validated like any inline; saved by the customer service (see CustomerAdmin.save_related)."""

    def guardians(self) -> list[dict]:
        """The rows the customer keeps: existing ones as edited, new filled ones, minus deleted."""
        return [{name: form.cleaned_data.get(name) for name in GUARDIAN_FIELDS} for form in self.forms
                if form.cleaned_data and not self._should_delete_form(form)
                and (form.instance.pk is not None or form.has_changed())]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            services.guardians_validate(customer=self.instance, guardians=self.guardians())
        except ValidationError as error:
            raise ValidationError(error.message_dict["guardians"]) from None


class GuardianInline(TabularInline):
    model = GuardianContact
    formset = GuardianFormSet
    extra = 0
    fields = GUARDIAN_FIELDS

    # Guardian rows have no permissions of their own (rbac HIDDEN_MODELS): they come with the customer's.
    def _customer_admin(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._customer_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        parent = self._customer_admin()
        return parent.has_change_permission(request, obj) if obj else parent.has_add_permission(request)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


@admin.register(Tag, site=tenant_admin)
class TagAdmin(ModelAdmin):
    empty_help = _("Tags group customers, e.g. “VIP” or “Evening class”, to find and message them together.")
    list_display = ["name", "color"]
    search_fields = ["name"]


@admin.register(Customer, site=tenant_admin)
class CustomerAdmin(BranchScopedAdmin):
    empty_help = _("Customers are the people you serve, with their contacts and consents. Add your first one.")
    list_display = ["name", phone_column(Customer), "email", "branch", "marketing_consent", "created_at"]
    list_filter = ["branch", "marketing_consent", "tags"]
    search_fields = ["name", "phone", "email", "notes", "guardians__name"]
    list_select_related = ["branch"]
    show_full_result_count = False  # one count per page (of the list as filtered), not a second of every customer
    fields = ["name", "phone", "email", "birth_date", "branch", "tags", "marketing_consent",
              "marketing_consent_at", "notes"]
    readonly_fields = ["marketing_consent_at"]
    filter_horizontal = ["tags"]
    inlines = [GuardianInline]
    actions = ["export_csv", "soft_delete", "grant_to_staff"]
    actions_detail = ["personal_data"]
    change_list_template = "admin/crm/customer/change_list.html"

    def get_search_results(self, request, queryset, search_term):
        """Also a phone number as people write it ("010-5678-9005" finds the stored +821056789005)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digits = phone_search_digits(search_term)
        return (found | queryset.filter(phone__contains=digits) if digits else found), may_have_duplicates

    def get_urls(self):
        from django.urls import path

        return [path("import/", self.admin_site.admin_view(self.import_view), name="crm_customer_import"),
                *super().get_urls()]

    def import_view(self, request):
        """Upload a CSV: valid rows are created, each invalid row is listed with its line."""
        from django.core.exceptions import PermissionDenied
        from django.template.response import TemplateResponse

        from .forms import CustomerImportForm

        if not request.user.has_perm("crm.import_customer"):
            raise PermissionDenied
        form = CustomerImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = services.customers_import(
                    file=form.cleaned_data["file"], actor=request.user, dry_run=form.cleaned_data["dry_run"],
                    allowed_branch_ids=request_access(request).branch_ids("crm.import_customer"))
            except PlatformError as error:
                form.add_error("file", error.message)
        context = {**self.admin_site.each_context(request), "title": _("Import customers"), "form": form,
                   "report": report, "opts": self.model._meta, "columns": services.IMPORT_COLUMNS}
        return TemplateResponse(request, "admin/crm/customer/import.html", context)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(deleted_at__isnull=True)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if not request.user.has_perm("crm.export_customer"):
            actions.pop("export_csv", None)
        if not request.user.has_perm("crm.delete_customer"):
            actions.pop("soft_delete", None)
        if not request.user.has_perm("rbac.change_role"):
            actions.pop("grant_to_staff", None)
        return actions

    @admin.action(description=_("Export selected customers as CSV"))
    def export_csv(self, request, queryset):
        scoped = request_access(request).scope_filter(selectors.customer_list(access=request_access(request)),
                                                      "crm.export_customer")
        return csv_download(selectors.customers_csv(scoped.filter(pk__in=queryset.values("pk"))),
                            f"customers-{timezone.now():%Y%m%d}.csv")

    @admin.action(description=_("Delete selected customers (kept in history)"))
    def soft_delete(self, request, queryset):
        # the changelist queryset is already limited to the user's scope
        in_scope = request_access(request).scope_filter(queryset, "crm.delete_customer")
        for customer in in_scope:
            services.customer_delete(customer=customer, actor=request.user)
        messages.success(request, _("%(count)s customers deleted.") % {"count": len(in_scope)})

    @admin.action(description=_("Let a staff member see and edit selected customers (per-object grant)"))
    def grant_to_staff(self, request, queryset):
        """For roles whose customer permissions have the “own objects” scope (e.g. a
        teacher and their students): grants view and change on these customers."""
        from django.template.response import TemplateResponse

        from .forms import GrantForm

        form = GrantForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            user = User.objects.get(pk=form.cleaned_data["staff"].user_id)
            for customer in queryset:
                for perm in ("crm.view_customer", "crm.change_customer"):
                    object_grant(user=user, perm=perm, obj=customer, actor=request.user)
            messages.success(request, _("%(name)s can now see and edit %(count)s customers.")
                             % {"name": form.cleaned_data["staff"], "count": queryset.count()})
            return None
        context = {**self.admin_site.each_context(request), "title": _("Grant customers to a staff member"),
                   "form": form, "queryset": queryset, "opts": self.model._meta,
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/crm/customer/grant.html", context)

    def has_export_permission(self, request, object_id=None):
        return request.user.has_perm("crm.export_customer")

    @action(description=_("Download personal data"), permissions=["export"], icon="download",
            url_path="personal-data")
    def personal_data(self, request, object_id):
        """Everything the workspace holds about this customer, as a zip (apps.workspace.export):
        built now, audited, then downloaded through its signed link."""
        from django.http import Http404
        from django.shortcuts import redirect

        from apps.workspace.export.services import export_link_path, personal_export_create

        from .dataexport import find_customer

        found = find_customer(pk=int(object_id) if str(object_id).isdigit() else 0, access=request_access(request))
        if found is None:
            raise Http404
        export = personal_export_create(actor=request.user, customer_id=found[0], customer_label=found[1])
        return redirect(export_link_path(export))

    def delete_model(self, request, obj):
        services.customer_delete(customer=obj, actor=request.user)

    def save_model(self, request, obj, form, change):
        pass  # the service writes the customer with its tags and guardians in save_related

    def save_related(self, request, form, formsets, change):
        data = {f: form.cleaned_data[f] for f in ["name", "phone", "email", "birth_date", "branch",
                                                   "marketing_consent", "notes"] if f in form.cleaned_data}
        tags = form.cleaned_data.get("tags", [])
        guardian_formset = next((fs for fs in formsets if isinstance(fs, GuardianFormSet)), None)
        if change:
            # untouched rows (or a user without guardian permissions) leave the guardians as they are
            guardians = guardian_formset.guardians() if guardian_formset and guardian_formset.has_changed() else None
            fresh = Customer.objects.get(pk=form.instance.pk)
            services.customer_update(customer=fresh, actor=request.user, tags=tags, guardians=guardians,
                                     allowed_branch_ids=request_access(request).branch_ids("crm.change_customer"),
                                     **data)
        else:
            created = services.customer_create(
                actor=request.user, tags=tags, guardians=guardian_formset.guardians() if guardian_formset else [],
                allowed_branch_ids=request_access(request).branch_ids("crm.add_customer"), **data)
            form.instance.pk = created.pk
        for formset in formsets:  # read by the admin's change message; the service saved the rows
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


admin_navigation(tenant_admin, "customers", model=Customer, icon="person", order=10)
admin_navigation(tenant_admin, "customers", model=Tag, icon="label", order=20)
