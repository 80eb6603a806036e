"""A workspace's usage per day: the daily snapshot (a beat task, a backfill command) and
the reads the pages show (the owner's billing page, the ops tenant page).

One row per tenant and day (models.UsageDay), rewritten whole by a re-run:

- active users: distinct people and API keys that made an authenticated request or
  logged in that day, and API calls: counted in Redis on the request path
  (apps.core.activity, apps.ratelimit; kept 40 days, so a backfill reaches that far);
- orders, notifications sent, webhook deliveries: counted in the tenant's schema by the
  apps that own them (apps.core.metering: billing imports none of them);
- storage (database and files): measured when the day is collected; a backfill of an
  older day keeps what its row measured then.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.core.activity import active_identities
from apps.core.clock import platform_today
from apps.core.metering import figures
from apps.ratelimit.limiter import daily_usage
from apps.tenants.models import Tenant

from .models import UsageDay

logger = logging.getLogger(__name__)

# Tenants whose schema holds their data (before provisioning and after purging there is none).
LIVE_STATUSES = (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED)
COUNTED = ("active_users", "orders", "api_calls", "notifications", "webhook_deliveries")
MEASURED = ("database_bytes", "media_bytes")
HISTORY_DAYS = 30
REDIS_DAYS = 35  # how far back Redis still holds a day's API calls and active users (kept 40 days)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of `day` in the platform's time zone."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def live_tenants():
    return (Tenant.objects.filter(status__in=LIVE_STATUSES).exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
            .order_by("pk"))


def _figures_in_schema(tenant: Tenant, day: dt.date, *, measure: bool) -> dict[str, int]:
    start, end = day_bounds(day)
    values = {}
    with tenant_context(tenant):
        for key, figure in figures().items():
            if figure.count is not None:
                values[key] = int(figure.count(start, end))
            elif measure:
                values[key] = int(figure.measure(tenant.schema_name))
    return values


def usage_day_collect(*, tenant: Tenant, day: dt.date) -> UsageDay:
    """Write the tenant's row for `day` (idempotent: the same activity gives the same row)."""
    existing = UsageDay.objects.filter(tenant=tenant, day=day).first()
    # Storage is a size now, not a count of the day: measured for yesterday and today, kept
    # for an older day that was collected already (a backfill does not rewrite the past).
    today = platform_today()
    measure = existing is None or day >= today - dt.timedelta(days=1)
    values = _figures_in_schema(tenant, day, measure=measure)
    if existing is None or day >= today - dt.timedelta(days=REDIS_DAYS):  # older: Redis has let them go
        values["active_users"] = active_identities(tenant_id=tenant.pk, day=day)
        values["api_calls"] = daily_usage(tenant_ids=[tenant.pk], day=day)[tenant.pk]
    else:
        values.update(active_users=existing.active_users, api_calls=existing.api_calls)
    row = {name: values.get(name, 0) for name in COUNTED}
    for name in MEASURED:
        row[name] = values.get(name, 0) if measure else getattr(existing, name)
    with transaction.atomic():
        usage, _created = UsageDay.objects.update_or_create(tenant=tenant, day=day,
                                                            defaults={**row, "collected_at": timezone.now()})
    return usage


def usage_collect(*, day: dt.date | None = None, tenants=None) -> dict:
    """Every live tenant's row for `day` (yesterday by default). A tenant that fails is
    logged and left for a re-run; the others are collected."""
    day = day or platform_today() - dt.timedelta(days=1)
    done, failed = [], []
    for tenant in tenants if tenants is not None else live_tenants():
        try:
            usage_day_collect(tenant=tenant, day=day)
            done.append(tenant.slug)
        except Exception:  # one broken schema must not stop the others' snapshot
            logger.exception("usage snapshot failed", extra={"tenant_slug": tenant.slug, "day": str(day)})
            failed.append(tenant.slug)
    return {"day": day.isoformat(), "collected": done, "failed": failed}


# --- Reads ---------------------------------------------------------------------------------


def usage_today(*, tenant: Tenant) -> UsageDay:
    """Today so far, counted now (not stored): the pages add it to the collected days."""
    day = platform_today()
    values = {"active_users": active_identities(tenant_id=tenant.pk, day=day),
              "api_calls": daily_usage(tenant_ids=[tenant.pk], day=day)[tenant.pk],
              **_figures_in_schema(tenant, day, measure=False)}
    latest = UsageDay.objects.filter(tenant=tenant).order_by("-day").first()
    return UsageDay(tenant=tenant, day=day, collected_at=timezone.now(),
                    **{name: values.get(name, 0) for name in COUNTED},
                    **{name: getattr(latest, name) if latest else 0 for name in MEASURED})


def usage_history(*, tenant: Tenant, days: int = HISTORY_DAYS, include_today: bool = True) -> dict:
    """The last `days` days (today so far included), oldest first, with a row for every day
    (zeros where nothing was collected), and this month's totals so far."""
    today = platform_today()
    first = today - dt.timedelta(days=days - 1)
    stored = {row.day: row for row in UsageDay.objects.filter(tenant=tenant, day__gte=first, day__lte=today)}
    if include_today and tenant.status in LIVE_STATUSES:
        stored[today] = usage_today(tenant=tenant)
    rows = [stored.get(first + dt.timedelta(days=n)) or UsageDay(tenant=tenant, day=first + dt.timedelta(days=n),
                                                                 collected_at=timezone.now())
            for n in range(days)]
    top = max([row.api_calls for row in rows] + [1])
    for row in rows:
        row.api_percent = round(100 * row.api_calls / top)
    month_rows = list(UsageDay.objects.filter(tenant=tenant, day__gte=today.replace(day=1), day__lt=today))
    if today in stored:
        month_rows.append(stored[today])
    month = {name: sum(getattr(row, name) for row in month_rows) for name in COUNTED if name != "active_users"}
    # People active this month: the busiest day's count (distinct over the month is not kept).
    month["active_users_peak"] = max((row.active_users for row in month_rows), default=0)
    latest = next((row for row in reversed(rows) if row.database_bytes or row.media_bytes), None)
    return {"rows": rows, "month": month, "month_start": today.replace(day=1), "today": today,
            "storage": {"database_bytes": latest.database_bytes if latest else 0,
                        "media_bytes": latest.media_bytes if latest else 0}}
