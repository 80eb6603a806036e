"""The audit log in the ops portal: filters, search, CSV export; nobody adds, edits or
deletes (the model refuses too, and `verify_audit_log` proves it). People read actions by
their labels (apps.audit.labels): the list, its filter and the detail page show the label,
search finds an action by its label too, and the CSV keeps the code next to the label.

The log grows without bound, so the list costs the same at any size: its count is
PostgreSQL's estimate while nothing narrows it (core.paginators), the filters' values are
read through their indexes (no scan of every row per page load), an e-mail is typed, not
picked from every address ever typed at a login, it sorts only by time (an index), and
the export streams (apps.audit.exports)."""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from apps.audit.labels import action_label, registered_actions, target_label
from apps.audit.services import audit_record
from apps.core.admin_filters import DateRangeFilter, IndexedValuesFilter, TextFieldFilter
from apps.core.admin_labels import labelled_values
from apps.core.admin_mixins import ListedRowsMixin, ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.paginators import EstimatedCountPaginator
from apps.core.renderers import csv_download

from .exports import events_csv
from .models import AuditCheckpoint, AuditEvent

# What the detail page shows in place of the stored codes (they stay searchable and in the CSV).
SHOWN_AS = {"action": "action_display", "target_type": "target_kind", "target_repr": "target_display"}


@admin.register(AuditEvent, site=ops_admin)
class AuditEventAdmin(ListedRowsMixin, ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("Who did what, and when: log-ins, changes, approvals. Entries appear as people work.")
    list_display = ["created_at", "category", "action_display", "actor_email", "tenant_slug", "target_display",
                    "ip", "request_id"]
    list_filter = [("created_at", DateRangeFilter), "category",
                   ("action", type("ActionFilter", (IndexedValuesFilter, labelled_values(action_label)), {})),
                   ("actor_email", TextFieldFilter), ("tenant_slug", IndexedValuesFilter)]
    search_fields = ["action", "actor_email", "tenant_slug", "target_repr", "target_id", "request_id", "ip"]
    fields = [SHOWN_AS.get(f.name, f.name) for f in AuditEvent._meta.fields]
    readonly_fields = fields
    list_per_page = 50
    list_fullwidth = True  # eight columns: the whole width, not unfold's centred container
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    sortable_by = ["created_at"]  # newest first by id (the key); by time (indexed); nothing that sorts every row
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
        """The current filtered list (same query string as the list page) as CSV, oldest first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            events = self.listed_rows(request).order_by("id")
        except IncorrectLookupParameters:  # a malformed filter: the list says so
            return redirect(reverse("ops_admin:audit_auditevent_changelist") + "?e=1")
        audit_record(action="audit.exported", actor=request.user, metadata={"filters": dict(request.GET.items())})
        return csv_download(events_csv(events), f"audit-{timezone.now():%Y%m%d-%H%M%S}.csv")


admin_navigation(ops_admin, "security", model=AuditEvent, title=_("Audit log"), icon="policy", order=30)


@admin.register(AuditCheckpoint, site=ops_admin)
class AuditCheckpointAdmin(ReadOnlyAdminMixin, ModelAdmin):
    """The archived segments of the chains (apps.audit.retention): read-only, like the log."""

    empty_help = _("Audit events older than the retention period are archived to files; each archived part of a "
                   "chain leaves a signed checkpoint here.")
    list_display = ["created_at", "chain", "from_seq", "to_seq", "count", "from_time", "to_time", "archive_path"]
    list_select_related = ["chain"]
    list_filter = [("created_at", DateRangeFilter.titled(_("archived at")))]
    search_fields = ["archive_path", "archive_sha256", "last_hash"]
    readonly_fields = fields = [f.name for f in AuditCheckpoint._meta.fields]

    def get_actions(self, request):
        return {}


admin_navigation(ops_admin, "security", model=AuditCheckpoint, title=_("Audit archive"), icon="inventory_2",
                 order=35)
