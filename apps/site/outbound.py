"""The ops dashboard's card of what the workspaces failed to send (notifications given up
on, webhook messages that failed for good, endpoints disabled), across every schema in
a few queries. It lives here, above both apps, because the ops portal (apps.ops) sits
below notifications and webhooks."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apps.notifications.selectors import failed_deliveries_by_schema
from apps.tenants.models import Tenant
from apps.webhooks.selectors import failures_by_schema

DAYS = 7
SHOWN = 8


def outbound_problems(*, now=None) -> dict:
    since = (now or timezone.now()) - timedelta(days=DAYS)
    notifications = failed_deliveries_by_schema(since)
    webhooks = failures_by_schema(since)
    schemas = set(notifications) | set(webhooks)
    tenants = {tenant.schema_name: tenant for tenant in
               Tenant.objects.filter(schema_name__in=schemas).only("pk", "name", "slug", "schema_name")}
    rows = [{"tenant": tenants.get(schema), "schema": schema, "notifications": notifications.get(schema, 0),
             "webhooks": webhooks.get(schema, {}).get("failed", 0),
             "disabled": webhooks.get(schema, {}).get("disabled", 0)} for schema in schemas]
    rows.sort(key=lambda row: (-(row["notifications"] + row["webhooks"] + row["disabled"]), row["schema"]))
    return {"rows": rows[:SHOWN], "more": max(len(rows) - SHOWN, 0),
            "notifications": sum(row["notifications"] for row in rows),
            "webhooks": sum(row["webhooks"] for row in rows),
            "disabled": sum(row["disabled"] for row in rows)}
