"""The ops portal's landing page: what a person running the business looks at first."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.audit.models import AuditEvent
from apps.inbound.models import InboundEvent
from apps.onboarding.models import ApprovalStep
from apps.tenants.models import Tenant

from .charts import columns, horizontal_bars
from .models import FailedTask

WEEKS = 12


def _business_tenants():
    return Tenant.objects.exclude(business_type=Tenant.BusinessType.PLATFORM)


def tenants_by_status() -> list[tuple[str, str, int]]:
    counts = dict(_business_tenants().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return [(value, label, counts.get(value, 0)) for value, label in Tenant.Status.choices]


def signups_per_week(now=None) -> list[tuple[str, int]]:
    now = now or timezone.now()
    start = (now - timedelta(weeks=WEEKS - 1)).date()
    start = start - timedelta(days=start.weekday())  # Monday
    counts = {row["week"].date(): row["n"] for row in _business_tenants()
              .filter(created_at__date__gte=start).annotate(week=TruncWeek("created_at"))
              .values("week").annotate(n=Count("id"))}
    weeks = [start + timedelta(weeks=i) for i in range(WEEKS)]
    return [(date_format(week, "n/j"), counts.get(week, 0)) for week in weeks]


def onboarding_funnel() -> list[tuple[str, str, int]]:
    approved = dict(ApprovalStep.objects.filter(status=ApprovalStep.Status.APPROVED)
                    .values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    started = ApprovalStep.objects.filter(stage=ApprovalStep.Stage.SALES).count()
    rows = [("requested", _("Requested"), started)]
    rows += [(stage, ApprovalStep.Stage(stage).label, approved.get(stage, 0)) for stage in ApprovalStep.ORDER]
    return rows


def dashboard_context(request) -> dict:
    week_ago = timezone.now() - timedelta(days=7)
    webhook_problems = InboundEvent.objects.filter(
        status__in=[InboundEvent.Status.FAILED, InboundEvent.Status.REJECTED])
    webhook_counts = webhook_problems.filter(received_at__gte=week_ago).aggregate(
        failed=Count("id", filter=Q(status=InboundEvent.Status.FAILED)),
        rejected=Count("id", filter=Q(status=InboundEvent.Status.REJECTED)))
    status_rows = tenants_by_status()
    signups = signups_per_week()
    context = {
        "status_chart": horizontal_bars(status_rows),
        "tenant_total": sum(value for _k, _l, value in status_rows),
        "signup_chart": columns(signups),
        "signups_total": sum(value for _l, value in signups),
        "funnel_chart": horizontal_bars(onboarding_funnel()),
        "failed_tenants": list(_business_tenants().filter(status=Tenant.Status.FAILED).order_by("-created_at")[:8]),
        "waiting_count": _business_tenants().filter(status=Tenant.Status.REQUESTED).count(),
        "webhook_counts": webhook_counts,
        "webhook_problems": list(webhook_problems.order_by("-received_at")[:8]),
        "can_read_audit": request.user.has_perm("audit.view_auditevent"),
        "can_view_failed_tasks": request.user.has_perm("ops.view_failedtask"),
    }
    if context["can_view_failed_tasks"]:  # open: failed for good, neither retried nor dismissed
        context["failed_task_count"] = FailedTask.objects.filter(status=FailedTask.Status.FAILED).count()
    if context["can_read_audit"]:
        context["recent_audit"] = list(AuditEvent.objects.order_by("-id")[:10])
    return context
