"""Settlement runs in the ops portal: the list with each run's progress, a run's page with
its tenants (a page at a time, failed ones first) and "Retry" for a failed or stuck one
(services.runs.run_item_retry), and "Start a run now" (services.runs.run_start). A run
moves on in Celery workers: reloading its page shows how far it got."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from unfold.admin import ModelAdmin
from unfold.decorators import action, display

from apps.core.admin_filters import DateRangeFilter
from apps.core.admin_mixins import ReadOnlyAdminMixin
from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import ops_admin
from apps.core.errors import PlatformError

from .. import selectors
from ..models import RunItem, SettlementRun
from ..services.runs import STUCK_AFTER, run_item_retry, run_start
from .ops import badge, int_or_zero, person, refusal

RUN_VARIANTS = {SettlementRun.Status.RUNNING: "info", SettlementRun.Status.SUCCEEDED: "success",
                SettlementRun.Status.FAILED: "danger"}
ITEM_VARIANTS = {RunItem.Status.PENDING: "", RunItem.Status.RUNNING: "info", RunItem.Status.SUCCEEDED: "success",
                 RunItem.Status.FAILED: "danger"}
# A run's tenants as HQ wants to read them: what needs a look first.
ITEM_ORDER = Case(When(status=RunItem.Status.FAILED, then=Value(0)), When(status=RunItem.Status.RUNNING, then=Value(1)),
                  When(status=RunItem.Status.PENDING, then=Value(2)), default=Value(3), output_field=IntegerField())
ITEMS_PER_PAGE = 50
START_PERMISSION = "settlement.start_settlementrun"


def progress(run: SettlementRun) -> str:
    """"3 done, 1 failed of 5" over a bar: green for done, red for failed."""
    total = run.total or 0
    done_width = round(100 * run.succeeded / total) if total else 0
    failed_width = min(100 - done_width, round(100 * run.failed / total)) if total else 0
    text = gettext("%(done)s done, %(failed)s failed of %(total)s") % {
        "done": run.succeeded, "failed": run.failed, "total": total}
    return format_html(
        '<div class="settlement-progress" style="min-width:150px"><span>{}</span>'
        '<div class="ops-progress" style="display:flex" role="progressbar" aria-valuemin="0" aria-valuemax="{}" '
        'aria-valuenow="{}"><span style="width:{}%"></span><span style="width:{}%;background:#dc2626"></span>'
        "</div></div>", text, total, run.succeeded + run.failed, done_width, failed_width)


def retryable(item: RunItem, now) -> bool:
    """As run_item_retry decides: failed, or running with a worker gone for STUCK_AFTER."""
    if item.status == RunItem.Status.FAILED:
        return True
    return (item.status == RunItem.Status.RUNNING and item.started_at is not None
            and now - item.started_at > STUCK_AFTER)


@admin.register(SettlementRun, site=ops_admin)
class SettlementRunAdmin(ReadOnlyAdminMixin, ModelAdmin):
    empty_help = _("A run settles every tenant whose period closed. The schedule starts one every hour; HQ can "
                   "start one now.")
    list_display = ["started_at", "trigger_column", "as_of", "status_column", "progress_column", "finished_at"]
    list_filter = ["status", "trigger", ("started_at", DateRangeFilter.titled(_("started at")))]
    list_fullwidth = True
    fields = readonly_fields = ["status_column", "trigger_column", "as_of", "started_at", "finished_at",
                                "progress_column"]
    change_form_outer_after_template = "settlement/ops/run_items.html"
    actions_list = ["start_run"]

    def get_queryset(self, request):
        return selectors.run_list()

    def get_actions(self, request):
        return {}

    @display(description=_("started by"), ordering="trigger")
    def trigger_column(self, run):
        if run.trigger == SettlementRun.Trigger.MANUAL and run.started_by is not None:
            return f"{run.get_trigger_display()} · {person(run.started_by)}"
        return run.get_trigger_display()

    @display(description=_("status"), ordering="status")
    def status_column(self, run):
        return badge(run.get_status_display(), RUN_VARIANTS.get(run.status, ""))

    @display(description=_("progress"))
    def progress_column(self, run):
        return progress(run)

    # --- a run's page: its tenants -------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        extra = {}
        if run is not None:
            extra = self.items_context(request, run)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def items_context(self, request, run: SettlementRun) -> dict:
        items = selectors.run_items(run=run).order_by(ITEM_ORDER, "id")
        page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("items"))
        may_retry = self.has_start_permission(request)
        now = timezone.now()
        batches = reverse("ops_admin:settlement_settlementbatch_changelist")
        rows = [{"item": item, "status": badge(item.get_status_display(), ITEM_VARIANTS.get(item.status, "")),
                 "retry_url": reverse("ops_admin:settlement_settlementrun_retry", args=[run.pk, item.pk])
                 if may_retry and retryable(item, now) else "",
                 "batches_url": f"{batches}?tenant__id__exact={item.tenant_id}"} for item in page]
        return {"items_page": page, "item_rows": rows, "running": run.status == SettlementRun.Status.RUNNING}

    # --- starting and retrying -------------------------------------------------------------------

    def has_start_permission(self, request, object_id=None):
        return request.user.has_perm(START_PERMISSION)

    @action(description=_("Start a run now"), permissions=["start"], icon="play_arrow", url_path="start")
    def start_run(self, request):
        """GET: what a run does; POST: start it (or say that nothing is due)."""
        changelist = reverse("ops_admin:settlement_settlementrun_changelist")
        if request.method == "POST":
            try:
                run = run_start(actor=request.user)
            except PlatformError as error:
                messages.error(request, refusal(error))
                return redirect(changelist)
            if run is None:
                messages.info(request, gettext("Nothing is due: every tenant's closed periods are already settled."))
                return redirect(changelist)
            started = ngettext("Run started for %(count)s tenant.", "Run started for %(count)s tenants.", run.total)
            messages.success(request, started % {"count": run.total})
            return redirect(reverse("ops_admin:settlement_settlementrun_change", args=[run.pk]))
        title = gettext("Start a settlement run")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title,
                   "changelist_url": changelist}
        return TemplateResponse(request, "settlement/ops/run_start.html", context)

    def get_urls(self):
        retry = path("<path:object_id>/items/<int:item_id>/retry/", self.admin_site.admin_view(self.retry_view),
                     name="settlement_settlementrun_retry")
        return [retry, *super().get_urls()]

    def retry_view(self, request, object_id, item_id):
        return _retry(request, self, object_id, item_id)


@require_POST
def _retry(request, model_admin, object_id, item_id):
    if not model_admin.has_start_permission(request):
        raise PermissionDenied
    item = RunItem.objects.select_related("tenant").filter(pk=item_id, run_id=int_or_zero(object_id)).first()
    if item is None:
        raise Http404
    try:
        run_item_retry(item=item, actor=request.user)
    except PlatformError as error:
        messages.error(request, f"{item.tenant.name}: {refusal(error)}")
    else:
        messages.success(request, gettext("%(tenant)s is being settled again.") % {"tenant": item.tenant.name})
    return redirect(reverse("ops_admin:settlement_settlementrun_change", args=[item.run_id]))


admin_navigation(ops_admin, "settlement", model=SettlementRun, icon="sync", order=20)
