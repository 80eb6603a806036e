"""Reads of the notifications app."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import QuerySet

from .dispatch import CHUNK, delivery_schemas
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
    schemas = delivery_schemas()
    counts = {}
    for start in range(0, len(schemas), CHUNK):
        chunk = schemas[start:start + CHUNK]
        sql = " UNION ALL ".join(
            f'(SELECT %s, count(*) FROM "{schema}".notifications_delivery WHERE status = \'failed\' '
            f"AND failed_at >= %s)" for schema in chunk)
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for schema in chunk for value in (schema, since)])
            counts.update({schema: count for schema, count in cursor.fetchall() if count})
    return counts
