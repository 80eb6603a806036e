"""Reads of the notifications app."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from apps.core.schemas import across_schemas

from .models import Delivery, Notification, NotificationTemplate


def my_notifications(*, user) -> QuerySet[Notification]:
    """`user`'s in-app notifications in the workspace whose schema is in use, newest first."""
    return Notification.objects.filter(user_id=user.pk).order_by("-id")


def unread_count(*, user) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def template_list() -> QuerySet[NotificationTemplate]:
    return NotificationTemplate.objects.all()


def delivery_list() -> QuerySet[Delivery]:
    return Delivery.objects.select_related("template", "customer")


def failed_deliveries_count(since: datetime) -> int:
    """Deliveries of the current schema that failed for good since `since` (ops dashboard)."""
    return Delivery.objects.filter(status=Delivery.Status.FAILED, failed_at__gte=since).count()


def failed_deliveries_by_schema(since: datetime) -> dict[str, int]:
    """{schema: deliveries failed for good since `since`} for the schemas that have any,
    across all workspaces in one query per 200 schemas (the ops portal's count)."""
    rows = across_schemas("notifications_delivery", "count(*) FROM {table} WHERE status = 'failed' "
                                                    "AND failed_at >= %s", [since])
    return {schema: count for schema, count in rows if count}
