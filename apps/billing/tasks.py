import datetime as dt

from celery import shared_task

from apps.core.clock import platform_today

from .dunning import dunning_run
from .subscriptions import subscriptions_renew
from .usage import live_tenants, usage_day_collect


@shared_task(name="billing.run_dunning")
def run_dunning() -> dict:
    return dunning_run()


@shared_task(name="billing.renew_subscriptions")
def renew_subscriptions() -> int:
    return subscriptions_renew()


@shared_task(name="billing.collect_usage")
def collect_usage(day: str | None = None) -> dict:
    """Beat (daily): yesterday's usage row, or `day`'s (ISO date), for every live tenant:
    one task per tenant, so that thousands of workspaces fit no single task's time limit
    and one broken schema holds up nobody else."""
    day = day or (platform_today() - dt.timedelta(days=1)).isoformat()
    ids = list(live_tenants().values_list("pk", flat=True))
    for tenant_id in ids:
        collect_tenant_usage.delay(tenant_id, day)
    return {"day": day, "queued": len(ids)}


@shared_task(name="billing.collect_tenant_usage")
def collect_tenant_usage(tenant_id: int, day: str) -> bool:
    """One tenant's usage row for `day` (idempotent). False: the tenant is no longer live."""
    tenant = live_tenants().filter(pk=tenant_id).first()
    if tenant is None:
        return False
    usage_day_collect(tenant=tenant, day=dt.date.fromisoformat(day))
    return True


@shared_task(name="billing.check_usage_alerts")
def check_usage_alerts() -> int:
    """Beat (hourly): check every live tenant's usage against its plan limits, one task each."""
    ids = list(live_tenants().values_list("pk", flat=True))
    for tenant_id in ids:
        check_tenant_usage_alerts.delay(tenant_id)
    return len(ids)


@shared_task(name="billing.check_tenant_usage_alerts")
def check_tenant_usage_alerts(tenant_id: int) -> list[str]:
    """Tell the tenant's owner when its usage reached 80% / 100% of a plan limit."""
    from .usage_alerts import usage_alerts_check  # its dashboard imports reach the admin sites

    tenant = live_tenants().filter(pk=tenant_id).first()
    if tenant is None:
        return []
    return [f"{alert.limit_key}:{alert.threshold}" for alert in usage_alerts_check(tenant=tenant)]
