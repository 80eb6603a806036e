"""The daily retention run (beat: apps.ops.schedules): each rule deletes, through the
owning app's own service, what is older than its period (platform_/settings/business.py,
README "Retention"). A period of 0 keeps everything. Public tables only; the tenants'
own data follows their plan and lifecycle (purge after deletion)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from apps.audit.retention import audit_archive
from apps.inbound.services import inbound_prune

from .failed_tasks import failed_tasks_prune

logger = logging.getLogger(__name__)


def retention_run(*, now=None) -> dict:
    """Apply every retention rule once. Returns what each removed (and any problem)."""
    now = now or timezone.now()
    summary = {}
    if settings.AUDIT_RETENTION_DAYS:
        results = audit_archive(before=now - timedelta(days=settings.AUDIT_RETENTION_DAYS))
        summary["audit_events_archived"] = sum(result.archived for result in results)
        problems = [problem for result in results for problem in result.problems]
        if problems:
            summary["audit_problems"] = problems
            logger.error("audit retention: %s chain(s) not archived: %s", len(problems), "; ".join(problems[:5]))
    if settings.FAILED_TASKS_RETENTION_DAYS:
        summary["failed_tasks_deleted"] = failed_tasks_prune(
            before=now - timedelta(days=settings.FAILED_TASKS_RETENTION_DAYS))
    if settings.INBOUND_RETENTION_DAYS:
        summary["inbound_events_deleted"] = inbound_prune(before=now - timedelta(days=settings.INBOUND_RETENTION_DAYS))
    logger.info("retention run: %s", {key: value for key, value in summary.items() if key != "audit_problems"})
    return summary
