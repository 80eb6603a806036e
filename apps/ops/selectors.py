"""Reads for the tenant detail page, one per tab: the overview's facts, the subscription
and invoices, usage against the plan's limits, and the tenant's audit trail.

Every read is of this one tenant: by its key (invoices, subscription, memberships, audit
events by `tenant_id`), never by a name that another tenant could share.

Usage counts of what lives in the tenant's schema (staff, branches, storage) are the
meters the workspace apps register for their own dashboard (apps.core.dashboard,
`usage_meter` on the tenant admin): the ops portal runs them inside the tenant's schema
(`tenant_meters`), so it shows the numbers the owner sees and the limits are enforced
on, without importing the apps that own them.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection
from django.db.models import Count, Q, Sum
from django_tenants.utils import tenant_context

from apps.accounts.models import Membership
from apps.audit.models import AuditEvent
from apps.billing.dashboard import measured
from apps.billing.limits import tenant_limits
from apps.billing.models import AddOnRequest, Invoice, Subscription
from apps.billing.owner.summary import plan_summary
from apps.billing.selectors import subscription_for
from apps.billing.usage import usage_history
from apps.core.admin_sites import tenant_admin
from apps.core.clock import platform_today
from apps.core.dashboard import dashboard_for
from apps.core.money import format_money
from apps.core.urls import absolute_url
from apps.tenants.activity import tenant_last_activity
from apps.tenants.models import Tenant

from .charts import columns

AUDIT_ROWS = 50
INVOICE_ROWS = 20
# Tenants whose schema holds their data (before provisioning and after purging there is none).
LIVE_STATUSES = (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED)


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


# --- Overview ------------------------------------------------------------------------------


def tenant_overview(tenant: Tenant, *, request=None) -> dict:
    """The facts at the top of the page: plan, primary host and its links."""
    domains = list(tenant.domains.all())
    primary = next((d for d in domains if d.is_primary), domains[0] if domains else None)
    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    host = {}
    if primary is not None:
        host = {"domain": primary.domain, "url": absolute_url("/", host=primary.domain, request=request),
                "admin_url": absolute_url("/admin/", host=primary.domain, request=request)}
    plan = subscription.plan if subscription else tenant.plan  # else the plan asked for, not started yet
    return {
        "primary_host": host,
        "plan": plan.display_name if plan else "",
        "plan_code": plan.code if plan else "",
        "plan_requested": subscription is None and plan is not None,
        "subscription_status": subscription.status if subscription else "",
        "subscription_status_label": subscription.get_status_display() if subscription else "",
    }


# --- Subscription and invoices ------------------------------------------------------------


def tenant_billing(tenant: Tenant) -> dict:
    """The subscription as its owner's billing page shows it (plan, price, status, trial
    and renewal dates, credit, limits, add-ons: apps.billing.owner.summary) and the latest
    invoices with their KRW totals."""
    today = platform_today()
    subscription = subscription_for(tenant=tenant)
    invoices = Invoice.objects.filter(tenant=tenant)
    totals = invoices.aggregate(count=Count("id"), open_count=Count("id", filter=Q(status=Invoice.Status.OPEN)),
                                open_total=Sum("total", filter=Q(status=Invoice.Status.OPEN)))
    rows = list(invoices.order_by("-issue_date", "-number")[:INVOICE_ROWS])
    for invoice in rows:
        invoice.total_display = format_money(invoice.total, invoice.currency)
        invoice.overdue = invoice.status == Invoice.Status.OPEN and invoice.due_date < today
    open_currency = next((i.currency for i in rows if i.status == Invoice.Status.OPEN), "KRW")
    return {
        "subscription": subscription,
        "summary": plan_summary(subscription, today=today) if subscription is not None else None,
        "invoices": rows,
        "invoice_count": totals["count"],
        "open_count": totals["open_count"],
        "open_total": format_money(totals["open_total"], open_currency) if totals["open_total"] else "",
        "pending_addon_requests": AddOnRequest.objects.filter(tenant=tenant,
                                                             status=AddOnRequest.Status.PENDING).count(),
    }


# --- Usage ---------------------------------------------------------------------------------


def tenant_meters(tenant: Tenant) -> list[dict] | None:
    """The tenant admin's usage meters (staff, branches, API calls this month, storage),
    measured inside the tenant's schema as its owner's dashboard measures them, against
    the plan's limits (plus add-ons). None while the tenant has no live schema."""
    if tenant.status not in LIVE_STATUSES:
        return None
    meters = sorted(dashboard_for(tenant_admin).meters.values(), key=lambda m: (m.order, m.key))
    # What a meter reads of a request on the tenant's host: the tenant, and a per-page memo.
    stand_in = SimpleNamespace(tenant=tenant)
    with tenant_context(tenant):
        rows = [{"key": meter.key, "label": meter.label, "used": meter.used(stand_in), "limit_key": meter.limit_key,
                 "unit": meter.unit, "url": ""} for meter in meters]
    limits = tenant_limits(tenant=tenant)
    return [measured(row, limits) for row in rows]


def tenant_usage(tenant: Tenant) -> dict:
    members = Membership.objects.filter(tenant=tenant)
    stats = members.aggregate(total=Count("id"), active=Count("id", filter=Q(status=Membership.Status.ACTIVE)),
                              staff=Count("id", filter=Q(kind=Membership.Kind.STAFF)))
    history = usage_history(tenant=tenant)
    return {
        "meters": tenant_meters(tenant),
        "members": stats["total"],
        "active_members": stats["active"],
        "staff": stats["staff"],
        # the latest authenticated request or login by anyone (apps.core.activity), not last_login
        "last_activity": tenant_last_activity(tenant),
        "schema_bytes": schema_size_bytes(tenant),
        "history": history,
        "charts": usage_charts(history["rows"]),
    }


def usage_charts(rows) -> dict:
    """Columns of the last 30 days: API calls and active users (the figures are in the
    table under them)."""
    def points(field):  # a date under every 7th column counted back from today, none at the edges
        return [(f"{row.day.month}/{row.day.day}" if (len(rows) - 1 - index) % 7 == 3 else "",
                 getattr(row, field), "") for index, row in enumerate(rows)]

    return {"api_calls": columns(points("api_calls"), width=560, height=150),
            "active_users": columns(points("active_users"), width=560, height=150)}


# --- Audit ---------------------------------------------------------------------------------


def tenant_audit(tenant: Tenant, *, limit: int = AUDIT_ROWS) -> dict:
    """This tenant's audit events, newest first (the last `limit`), and how many there are."""
    events = AuditEvent.objects.filter(tenant_id=tenant.pk)
    return {"events": list(events.order_by("-id")[:limit]), "count": events.count(), "limit": limit}
