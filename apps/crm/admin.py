from django.contrib import admin, messages
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.admin_sites import tenant_admin
from apps.rbac.admin_scoping import BranchScopedAdmin, request_access

from . import selectors, services
from .models import Customer, GuardianContact, Tag


class GuardianInline(admin.TabularInline):
    model = GuardianContact
    extra = 0
    fields = ["name", "relation", "phone", "email"]


@admin.register(Tag, site=tenant_admin)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "color"]
    search_fields = ["name"]


@admin.register(Customer, site=tenant_admin)
class CustomerAdmin(BranchScopedAdmin):
    list_display = ["name", "phone", "email", "branch", "marketing_consent", "created_at"]
    list_filter = ["branch", "marketing_consent", "tags"]
    search_fields = ["name", "phone", "email"]
    list_select_related = ["branch"]
    fields = ["name", "phone", "email", "birth_date", "branch", "tags", "marketing_consent",
              "marketing_consent_at", "notes"]
    readonly_fields = ["marketing_consent_at"]
    filter_horizontal = ["tags"]
    inlines = [GuardianInline]
    actions = ["export_csv", "soft_delete", "grant_to_staff"]
    change_list_template = "admin/crm/customer/change_list.html"

    def get_urls(self):
        from django.urls import path

        return [path("import/", self.admin_site.admin_view(self.import_view), name="crm_customer_import"),
                *super().get_urls()]

    def import_view(self, request):
        """Upload a CSV: valid rows are created, each invalid row is listed with its line."""
        from django.core.exceptions import PermissionDenied
        from django.template.response import TemplateResponse

        from apps.core.errors import PlatformError

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
        response = StreamingHttpResponse(selectors.customers_csv(scoped.filter(pk__in=queryset.values("pk"))),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="customers-{timezone.now():%Y%m%d}.csv"'
        return response

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

        from apps.accounts.models import User
        from apps.rbac.services import object_grant

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

    def delete_model(self, request, obj):
        services.customer_delete(customer=obj, actor=request.user)

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in ["name", "phone", "email", "birth_date", "branch",
                                                   "marketing_consent", "notes"] if f in form.cleaned_data}
        tags = form.cleaned_data.get("tags", [])
        if change:
            fresh = Customer.objects.get(pk=obj.pk)
            services.customer_update(customer=fresh, actor=request.user, tags=tags,
                                     allowed_branch_ids=request_access(request).branch_ids("crm.change_customer"),
                                     **data)
        else:
            created = services.customer_create(
                actor=request.user, tags=tags, guardians=self._guardians(request),
                allowed_branch_ids=request_access(request).branch_ids("crm.add_customer"), **data)
            obj.pk = created.pk

    def _guardians(self, request):
        prefix = "guardians"
        total = int(request.POST.get(f"{prefix}-TOTAL_FORMS", 0) or 0)
        rows = []
        for index in range(total):
            name = request.POST.get(f"{prefix}-{index}-name", "").strip()
            if name and not request.POST.get(f"{prefix}-{index}-DELETE"):
                rows.append({"name": name, "relation": request.POST.get(f"{prefix}-{index}-relation", ""),
                             "phone": request.POST.get(f"{prefix}-{index}-phone", ""),
                             "email": request.POST.get(f"{prefix}-{index}-email", "")})
        return rows

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
            return
        # customer_create already stored tags and guardians
