"""Reads for the tenant detail page: usage and history."""

from __future__ import annotations

from django.db import connection
from django.db.models import Max

from apps.accounts.models import Membership
from apps.tenants.models import Tenant


def schema_size_bytes(tenant: Tenant) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'm')",
            [tenant.schema_name])
        row = cursor.fetchone()
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [tenant.schema_name])
        exists = cursor.fetchone() is not None
    return int(row[0]) if exists else None


def tenant_usage(tenant: Tenant) -> dict:
    members = Membership.objects.filter(tenant=tenant)
    stats = members.aggregate(last_login=Max("user__last_login"))
    return {
        "members": members.count(),
        "active_members": members.filter(status=Membership.Status.ACTIVE).count(),
        "staff": members.filter(kind=Membership.Kind.STAFF).count(),
        "last_activity": stats["last_login"],
        "schema_bytes": schema_size_bytes(tenant),
    }

