"""The ops portal's "Failed tasks" (apps.ops.failed_tasks): the list (filters: status, task,
tenant, date; search by task id), a task's page, and "Retry" / "Dismiss" on both (a
confirmation page on the task's page, a bulk action on the list). HQ_MASTER and HQ_ADMIN
retry and dismiss; the other HQ groups read (apps.accounts.hq)."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from apps.core.admin_filters import DateRangeFilter
from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.errors import PlatformError
from apps.tenants.models import Tenant

from .failed_tasks import failed_task_dismiss, failed_task_retry
from .models import FailedTask

S = FailedTask.Status


class TenantFilter(admin.SimpleListFilter):
    """The workspaces that have failed tasks, and "Platform" for tasks of no workspace."""

    title = _("tenant")
    parameter_name = "tenant"
    PLATFORM = "platform"

    def lookups(self, request, model_admin):
        ids = FailedTask.objects.exclude(tenant_id=None).values("tenant_id").distinct()
        tenants = Tenant.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name")
        return [(self.PLATFORM, _("Platform")), *((str(pk), name) for pk, name in tenants)]

    def queryset(self, request, queryset):
        if self.value() == self.PLATFORM:
            return queryset.filter(schema_name="")
        if self.value():
            return queryset.filter(tenant_id=self.value()) if self.value().isdigit() else queryset.none()
        return queryset


class TaskFilter(admin.SimpleListFilter):
    title = _("task")
    parameter_name = "task"

    def lookups(self, request, model_admin):
        names = FailedTask.objects.order_by("task_name").values_list("task_name", flat=True).distinct()
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(task_name=self.value()) if self.value() else queryset


STATUS_CLASSES = {S.FAILED: "failed", S.RETRIED: "active", S.DISMISSED: "deleted"}


@admin.register(FailedTask, site=ops_admin)
class FailedTaskAdmin(ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("Background tasks that failed after all their retries appear here, to retry or dismiss.")
    list_display = ["task_name", "tenant_column", "error_column", "attempts", "status_column", "last_failed_at"]
    list_filter = ["status", TaskFilter, TenantFilter, ("last_failed_at", DateRangeFilter.titled(_("failed on")))]
    search_fields = ["=task_id", "=last_task_id"]
    search_help_text = _("A task id")
    list_select_related = ["tenant"]
    list_per_page = 50
    actions = ["retry_selected", "dismiss_selected"]
    actions_detail = ["retry_task", "dismiss_task"]
    fieldsets = [
        (None, {"fields": ["task_name", "task_id", "last_task_id", "queue", "tenant_column", "status_column",
                           "attempts", "first_failed_at", "last_failed_at", "request_id"]}),
        (_("Arguments (masked)"), {"fields": ["args_column", "kwargs_column"]}),
        (_("Error"), {"fields": ["exception_type", "exception_message", "traceback_column"]}),
        (_("Handling"), {"fields": ["retried_at", "retried_by", "retry_count", "dismissed_at", "dismissed_by"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.fieldsets for name in options["fields"]]

    # --- columns -----------------------------------------------------------------------

    @display(description=_("tenant"), ordering="schema_name")
    def tenant_column(self, row):
        if row.tenant is not None:
            return format_html('{}<br><small class="text-base-500 dark:text-base-400">{}</small>', row.tenant.name,
                               row.tenant.slug)
        return row.schema_name or gettext("Platform")

    @display(description=_("error"))
    def error_column(self, row):
        kind = row.exception_type.rpartition(".")[2]
        return format_html('<span class="wrap">{}: {}</span>', kind, row.exception_message[:120])

    @display(description=_("status"), ordering="status")
    def status_column(self, row):
        return format_html('<span class="ops-badge {}">{}</span>', STATUS_CLASSES.get(row.status, ""),
                           row.get_status_display())

    @display(description=_("arguments"))
    def args_column(self, row):
        return format_html("<pre class=\"failed-task-data\">{}</pre>",
                           json.dumps(row.args_masked, ensure_ascii=False, indent=2))

    @display(description=_("keyword arguments"))
    def kwargs_column(self, row):
        return format_html("<pre class=\"failed-task-data\">{}</pre>",
                           json.dumps(row.kwargs_masked, ensure_ascii=False, indent=2))

    @display(description=_("traceback"))
    def traceback_column(self, row):
        return format_html('<pre class="failed-task-data" style="white-space:pre-wrap">{}</pre>', row.traceback)

    # --- who may do what ---------------------------------------------------------------

    def has_retry_permission(self, request, object_id=None):
        return request.user.has_perm("ops.retry_failedtask")

    def has_dismiss_permission(self, request, object_id=None):
        return request.user.has_perm("ops.dismiss_failedtask")

    def get_actions_detail(self, request, object_id):
        """Retry only while failed, dismiss until dismissed (the services check again)."""
        allowed = super().get_actions_detail(request, object_id)
        row = FailedTask.objects.filter(pk=_int(object_id)).only("status").first()
        hidden = set()
        if row is not None and row.status != S.FAILED:
            hidden.add("ops_failedtask_retry_task")
        if row is not None and row.status == S.DISMISSED:
            hidden.add("ops_failedtask_dismiss_task")
        return [item for item in allowed if item.action_name not in hidden]

    # --- actions -----------------------------------------------------------------------

    MOVES = {
        "retry": (failed_task_retry, "ops.retry_failedtask", _("Retry task"),
                  _("The task is sent again with the same arguments, to the same queue, in the same workspace."),
                  _("The task was sent again.")),
        "dismiss": (failed_task_dismiss, "ops.dismiss_failedtask", _("Dismiss task"),
                    _("The task is closed without running again; its stored arguments are erased."),
                    _("The task was dismissed.")),
    }

    def move_view(self, request, object_id, key: str):
        service, permission, title, note, done = self.MOVES[key]
        row = FailedTask.objects.select_related("tenant").filter(pk=_int(object_id)).first()
        if row is None:
            raise Http404
        if not request.user.has_perm(permission):
            raise PermissionDenied
        change_url = reverse("ops_admin:ops_failedtask_change", args=[row.pk])
        if request.method == "POST":
            try:
                service(failed_task=row, actor=request.user)
            except PlatformError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(request, done)
            return redirect(change_url)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": row,
                   "title": f"{title}: {row.task_name}", "row": row, "note": note, "button": title,
                   "danger": key == "dismiss", "change_url": change_url, "tenant": self.tenant_column(row),
                   "status": self.status_column(row), "error": self.error_column(row)}
        return TemplateResponse(request, "ops/failed_task_action.html", context)

    @action(description=_("Retry"), permissions=["retry"], icon="replay", url_path="retry")
    def retry_task(self, request, object_id):
        return self.move_view(request, object_id, "retry")

    @action(description=_("Dismiss"), permissions=["dismiss"], icon="block", url_path="dismiss")
    def dismiss_task(self, request, object_id):
        return self.move_view(request, object_id, "dismiss")

    def _bulk(self, request, queryset, service, done):
        count = 0
        for row in queryset:
            try:
                service(failed_task=row, actor=request.user)
                count += 1
            except PlatformError as error:
                messages.error(request, f"{row.task_name} {row.task_id[:8]}: {error.message}")
        if count:
            messages.success(request, done(count) % {"count": count})

    @admin.action(description=_("Retry the selected tasks"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        self._bulk(request, queryset, failed_task_retry,
                   lambda n: ngettext("%(count)s task sent again.", "%(count)s tasks sent again.", n))

    @admin.action(description=_("Dismiss the selected tasks"), permissions=["dismiss"])
    def dismiss_selected(self, request, queryset):
        self._bulk(request, queryset, failed_task_dismiss,
                   lambda n: ngettext("%(count)s task dismissed.", "%(count)s tasks dismissed.", n))


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


admin_navigation(ops_admin, "platform", model=FailedTask, title=_("Failed tasks"), icon="sync_problem", order=65)
