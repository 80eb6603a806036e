"""Usage alerts: the owner is told when a metered quantity reaches 80% and then 100% of its
plan limit (plus add-ons; settings.USAGE_ALERT_THRESHOLDS), once per threshold per month
(models.UsageAlert, audited).

Quantities are the tenant admin's usage meters (staff, branches, API calls this month,
storage: apps.core.dashboard), measured inside the tenant's schema as the owner's
dashboard measures them. Checked by beat every hour; a quantity that jumps past both
thresholds at once records both and sends the 100% one only.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from apps.audit.services import audit_record
from apps.core.admin_sites import tenant_admin
from apps.core.cache import bump, scope, versioned_get_or_build
from apps.core.clock import platform_today
from apps.core.dashboard import dashboard_for

from .dashboard import LIMIT_SCALE, billing_home
from .emails import usage_alert_send
from .limits import LIMITS, tenant_limits
from .models import UsageAlert

ALERTS_CACHE_SECONDS = 3600


def measured_quantities(tenant) -> list[dict]:
    """Each meter with a plan limit: key, label, used, limit (in the meter's unit), unit."""
    limits = tenant_limits(tenant=tenant)
    stand_in = SimpleNamespace(tenant=tenant)  # what a meter reads of a request on the tenant's host
    rows = []
    with tenant_context(tenant):
        for meter in sorted(dashboard_for(tenant_admin).meters.values(), key=lambda m: (m.order, m.key)):
            limit = limits.get(meter.limit_key) if meter.limit_key else None
            if limit is None:
                continue
            rows.append({"key": meter.limit_key, "label": meter.label, "used": int(meter.used(stand_in)),
                         "limit": limit * LIMIT_SCALE.get(meter.limit_key, 1), "unit": meter.unit})
    return rows


def reached(used: int, limit: int) -> list[int]:
    """The thresholds (settings.USAGE_ALERT_THRESHOLDS, percent) `used` has reached (a limit
    of 0 is full from the start)."""
    return [t for t in settings.USAGE_ALERT_THRESHOLDS if limit <= 0 or used * 100 >= t * limit]


def usage_alerts_check(*, tenant, on=None) -> list[UsageAlert]:
    """Record and send the alerts the tenant's usage calls for now. Returns those recorded."""
    period = f"{(on or platform_today()):%Y-%m}"
    recorded = []
    for quantity in measured_quantities(tenant):
        thresholds = reached(quantity["used"], quantity["limit"])
        new = [t for t in thresholds if _record(tenant, quantity, t, period, recorded)]
        if new and max(new) == max(thresholds):  # the highest reached is news: tell the owner
            usage_alert_send(tenant=tenant, label=quantity["label"], threshold=max(new), used=quantity["used"],
                             limit=quantity["limit"], unit=quantity["unit"])
    return recorded


def _record(tenant, quantity: dict, threshold: int, period: str, recorded: list) -> bool:
    """Record the alert unless it was (by this run or a concurrent one); audited with it."""
    if UsageAlert.objects.filter(tenant=tenant, limit_key=quantity["key"], threshold=threshold,
                                 period=period).exists():
        return False
    try:
        with transaction.atomic():
            alert = UsageAlert.objects.create(tenant=tenant, limit_key=quantity["key"], threshold=threshold,
                                              period=period, used=quantity["used"], limit=quantity["limit"])
            bump(scope("usage_alerts", tenant.pk))  # the dashboard banner (after commit)
            audit_record(action="usage.threshold_reached", target=alert, tenant=tenant,
                         metadata={"limit": quantity["key"], "threshold": threshold, "period": period,
                                   "used": quantity["used"], "allowed": quantity["limit"]})
    except IntegrityError:  # another run recorded it first
        return False
    recorded.append(alert)
    return True


# --- The owner's dashboard -----------------------------------------------------------------


def _alerts_this_month(tenant_id: int, period: str) -> list[tuple[str, int]]:
    """(limit key, highest threshold reached) this month. Cached: the dashboard reads it on
    every view, alerts are recorded a few times a month (bumped when one is)."""
    def build():
        highest: dict[str, int] = {}
        for key, threshold in UsageAlert.objects.filter(tenant_id=tenant_id, period=period).values_list(
                "limit_key", "threshold"):
            highest[key] = max(threshold, highest.get(key, 0))
        return sorted(highest.items())

    return [tuple(item) for item in versioned_get_or_build(
        f"billing:usage_alerts:{tenant_id}:{period}", [scope("usage_alerts", tenant_id)], build, ALERTS_CACHE_SECONDS)]


def usage_alert_card(request) -> dict | None:
    """The dashboard banner while this month has an alert: per limit, the highest threshold
    reached (None: no card)."""
    alerts = _alerts_this_month(request.tenant.pk, f"{platform_today():%Y-%m}")
    if not alerts:
        return None
    rows = []
    for key, threshold in alerts:
        what, full = LIMITS[key][1] if key in LIMITS else key, threshold >= 100
        text = (_("Your plan's limit for %(what)s is reached.") % {"what": what} if full else
                _("%(percent)s%% of your plan's limit for %(what)s is used.") % {"what": what, "percent": threshold})
        rows.append({"key": key, "threshold": threshold, "full": full, "text": text})
    return {"alerts": rows, "full": any(row["full"] for row in rows), "manage_url": billing_home(request)}
