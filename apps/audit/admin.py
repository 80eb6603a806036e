"""The audit log in the ops portal: filters, search, CSV export; nobody adds, edits or
deletes (the model refuses too, and `verify_audit_log` proves it). People read actions by
their labels (apps.audit.labels): the list, its filter and the detail page show the label,
search finds an action by its label too, and the CSV keeps the code next to the label."""

import csv

from django.apps import apps
from django.contrib import admin
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.audit.labels import action_label, registered_actions, target_label
from apps.audit.services import audit_record
from apps.core.admin_filters import DateRangeFilter
from apps.core.admin_labels import labelled_values
from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.csvsafe import csv_safe

from .models import AuditEvent

CSV_FIELDS = ["created_at", "category", "action", "action_label", "actor_email", "tenant_slug", "target_type",
              "target_id", "target_repr", "changes", "metadata", "ip", "user_agent", "request_id", "hash"]

# What the detail page shows in place of the stored codes (they stay searchable and in the CSV).
SHOWN_AS = {"action": "action_display", "target_type": "target_kind", "target_repr": "target_display"}


@admin.register(AuditEvent, site=ops_admin)
class AuditEventAdmin(ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("Who did what, and when: log-ins, changes, approvals. Entries appear as people work.")
    list_display = ["created_at", "category", "action_display", "actor_email", "tenant_slug", "target_display",
                    "ip", "request_id"]
    list_filter = [("created_at", DateRangeFilter), "category", ("action", labelled_values(action_label)),
                   "actor_email", "tenant_slug"]
    search_fields = ["action", "actor_email", "tenant_slug", "target_repr", "target_id", "request_id", "ip"]
    fields = [SHOWN_AS.get(f.name, f.name) for f in AuditEvent._meta.fields]
    readonly_fields = fields
    list_per_page = 50
    list_fullwidth = True  # eight columns: the whole width, not unfold's centred container
    show_full_result_count = False
    change_list_template = "ops/audit_change_list.html"

    def get_actions(self, request):
        return {}

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, event):
        return action_label(event.action)

    @admin.display(description=_("target"), ordering="target_repr")
    def target_display(self, event):
        return target_label(event.target_repr)

    @admin.display(description=_("target type"), ordering="target_type")
    def target_kind(self, event):
        """The target's kind as people call it ("Customer"), not its model path."""
        app_label, _dot, model = event.target_type.partition(".")
        try:
            return capfirst(apps.get_model(app_label, model)._meta.verbose_name)
        except (LookupError, ValueError):
            return event.target_type

    def get_search_results(self, request, queryset, search_term):
        """Also the actions whose label holds the term ("정지" finds `tenant.suspended`)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().casefold()
        if term:
            codes = [code for code in registered_actions() if term in action_label(code).casefold()]
            if codes:
                results = results | queryset.filter(action__in=codes)
        return results, may_have_duplicates

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
        language = translation.get_language()  # the labels' language, while the server streams the rows

        def rows():
            yield "\ufeff" + writer.writerow(CSV_FIELDS)
            with translation.override(language):
                for event in queryset.iterator(chunk_size=2000):
                    yield writer.writerow([_cell(action_label(event.action) if name == "action_label"
                                                 else getattr(event, name)) for name in CSV_FIELDS])

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
