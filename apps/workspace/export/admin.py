"""The tenant admin's "Export data" page (under Settings): the recent exports with their
state and a download link (signed, issued as the page is drawn), and "Prepare export",
which asks for a new one (built by a worker). Who sees it: holders of workspace:export."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.rbac.admin_scoping import request_access

from . import services
from .models import DataExport

EXPORT_PERMISSION = "workspace.export_workspace"
STATUS_VARIANTS = {DataExport.Status.READY: "success", DataExport.Status.FAILED: "danger",
                   DataExport.Status.RUNNING: "info", DataExport.Status.PENDING: "info",
                   DataExport.Status.EXPIRED: ""}


def may_export(request) -> bool:
    """workspace:export for the whole workspace (held for some branches only, it is not enough)."""
    return (request.user.is_active and request.user.has_perm(EXPORT_PERMISSION)
            and request_access(request).branch_ids(EXPORT_PERMISSION) is None)


@admin.register(DataExport, site=tenant_admin)
class DataExportAdmin(ModelAdmin):
    empty_help = _("Prepare an export to download all of the workspace's data as a zip of CSV and JSON files.")
    list_display = ["created_at", "kind_column", "status_column", "requested_by_column", "size_column",
                    "rows_column", "download_column"]
    list_filter = ["kind", "status"]
    fields = ["kind", "status", "subject_repr", "requested_by", "created_at", "started_at", "finished_at",
              "expires_at", "size", "sha256", "row_counts", "error"]
    readonly_fields = fields
    actions_list = ["prepare_export"]
    list_per_page = 25

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by")

    def has_module_permission(self, request):
        return may_export(request)

    def has_view_permission(self, request, obj=None):
        return may_export(request)

    def has_export_permission(self, request, object_id=None):
        return may_export(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        # while one is being prepared the page looks again every few seconds
        if services.export_in_progress() is not None and hasattr(response, "context_data"):
            response["Refresh"] = "5"
        return response

    @display(description=_("Kind"))
    def kind_column(self, obj):
        if obj.kind == DataExport.Kind.PERSONAL:
            return format_html('<div>{}<div style="font-size:12px;opacity:.75">{}</div></div>',
                               obj.get_kind_display(), obj.subject_repr)
        return obj.get_kind_display()

    @display(description=_("Status"), label=STATUS_VARIANTS)
    def status_column(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Requested by"))
    def requested_by_column(self, obj):
        return obj.requested_by.email if obj.requested_by_id and obj.requested_by else "—"

    @display(description=_("File size"))
    def size_column(self, obj):
        return filesizeformat(obj.size) if obj.status == DataExport.Status.READY else "—"

    @display(description=_("Rows"))
    def rows_column(self, obj):
        return obj.total_rows if obj.status == DataExport.Status.READY else "—"

    @display(description=_("Download"))
    def download_column(self, obj):
        if obj.status != DataExport.Status.READY or (obj.expires_at and obj.expires_at <= timezone.now()):
            return "—"
        until = timezone.localtime(obj.expires_at).strftime("%Y-%m-%d") if obj.expires_at else ""
        # one block: on a phone unfold lays a cell's children side by side
        return format_html('<div style="white-space:nowrap"><a class="text-primary-600 font-medium" href="{}" '
                           'data-export-download="{}">{}</a><div style="font-size:12px;opacity:.75">{}</div></div>',
                           services.export_link_path(obj), obj.pk, gettext("Download zip"),
                           gettext("Kept until %(date)s") % {"date": until} if until else "")

    @action(description=_("Prepare export"), permissions=["export"], icon="download", url_path="prepare")
    def prepare_export(self, request):
        """GET: what an export holds; POST: ask for one (a worker builds it)."""
        changelist = reverse("tenant_admin:workspace_dataexport_changelist")
        if request.method == "POST":
            try:
                services.export_request(actor=request.user)
            except PlatformError as error:
                messages.error(request, str(error.message))
                return redirect(changelist)
            messages.success(request, gettext("The export is being prepared. It appears below with a download "
                                              "link when it is ready."))
            return redirect(changelist)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": gettext("Prepare an export"), "changelist_url": changelist}
        return TemplateResponse(request, "workspace/export_prepare.html", context)


admin_navigation(tenant_admin, "settings", model=DataExport, title=_("Export data"), icon="download", order=20)
