"""The audit log in the ops portal: filters, search, CSV export; nobody adds, edits or
deletes (the model refuses too, and `verify_audit_log` proves it)."""

import csv

from django.contrib import admin
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.audit.services import audit_record
from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.csvsafe import csv_safe

from .models import AuditEvent

CSV_FIELDS = ["created_at", "category", "action", "actor_email", "tenant_slug", "target_type", "target_id",
              "target_repr", "changes", "metadata", "ip", "user_agent", "request_id", "hash"]


class DateRangeFilter(admin.FieldListFilter):
    """From / to date inputs on `created_at` (inclusive days)."""

    template = "ops/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.param_from, self.param_to = f"{field_path}__date__gte", f"{field_path}__date__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("date range")

    def expected_parameters(self):
        return [self.param_from, self.param_to]

    def choices(self, changelist):
        yield {"from_name": self.param_from, "to_name": self.param_to,
               "from_value": self.used_parameters.get(self.param_from, ""),
               "to_value": self.used_parameters.get(self.param_to, ""),
               "other": {k: v for k, v in changelist.params.items() if k not in self.expected_parameters()}}

    def queryset(self, request, queryset):
        filters = {}
        for name in self.expected_parameters():
            value = self.used_parameters.get(name)
            if isinstance(value, list):
                value = value[-1]
            if value:
                filters[name] = value
        try:
            return queryset.filter(**filters)
        except Exception as exc:  # a malformed date: say so instead of failing
            raise admin.options.IncorrectLookupParameters(exc) from exc


@admin.register(AuditEvent, site=ops_admin)
class AuditEventAdmin(ReadOnlyAdminMixin, ModelAdmin):
    list_display = ["created_at", "category", "action", "actor_email", "tenant_slug", "target_repr", "ip",
                    "request_id"]
    list_filter = [("created_at", DateRangeFilter), "category", "action", "actor_email", "tenant_slug"]
    search_fields = ["action", "actor_email", "tenant_slug", "target_repr", "target_id", "request_id", "ip"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_per_page = 50
    list_fullwidth = True  # eight columns: the whole width, not unfold's centred container
    show_full_result_count = False
    change_list_template = "ops/audit_change_list.html"

    def get_actions(self, request):
        return {}

    def get_urls(self):
        return [path("export.csv", self.admin_site.admin_view(self.export_csv), name="audit_auditevent_export"),
                *super().get_urls()]

    def export_csv(self, request):
        """The current filtered list (same query string as the list page) as CSV."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request).order_by("id")

        audit_record(action="audit.exported", actor=request.user, metadata={"filters": dict(request.GET.items())})

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())

        def rows():
            yield "\ufeff" + writer.writerow(CSV_FIELDS)
            for event in queryset.iterator(chunk_size=2000):
                yield writer.writerow([_cell(getattr(event, name)) for name in CSV_FIELDS])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response


def _cell(value):
    import json

    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return csv_safe(value)


admin_navigation(ops_admin, "security", model=AuditEvent, title=_("Audit log"), icon="policy", order=30)
