from celery import shared_task

from .errors import ProvisioningFailed
from .models import Tenant
from .services import tenant_provision


@shared_task(name="tenants.provision_tenant", acks_late=True, reject_on_worker_lost=True)
def provision_tenant(tenant_id: int) -> str:
    """Provision one tenant. Failure is recorded on the tenant (status `failed`) and is
    retried by an operator, not automatically: the error usually needs a look. A worker
    that dies midway never acknowledged the message: the broker delivers it again (at once
    when the pool's child died, after the visibility timeout when the whole worker did),
    and the new attempt replaces what the dead one left (tests/test_faults_worker.py)."""
    try:
        return tenant_provision(tenant_id=tenant_id).status
    except Tenant.DoesNotExist:
        return "missing"
    except ProvisioningFailed:
        return Tenant.Status.FAILED


@shared_task(name="tenants.purge_expired_tenants")
def purge_expired_tenants() -> list[str]:
    """Beat: drop the schemas of tenants deleted longer than TENANT_RETENTION_DAYS ago."""
    from .lifecycle import tenants_purge_expired

    return tenants_purge_expired()


@shared_task(name="tenants.expire_demo_tenants")
def expire_demo_tenants() -> dict[str, list[str]]:
    """Beat: warn owners of demos ending soon (once), suspend demos whose period ended."""
    from .lifecycle import demo_tenants_expire

    return demo_tenants_expire()


@shared_task(name="tenants.resend_stuck_provisioning")
def resend_stuck_provisioning() -> list[str]:
    """Beat: send again the provisioning of tenants stuck in provisioning (lifecycle)."""
    from .lifecycle import tenants_provisioning_resend

    return tenants_provisioning_resend()


@shared_task(name="tenants.flush_last_activity")
def flush_last_activity() -> int:
    """Beat: copy the tenants' last activity from Redis to their rows (apps.tenants.activity)."""
    from .activity import last_activity_flush

    return last_activity_flush()


@shared_task(name="tenants.verify_domain")
def verify_domain(domain_id: int) -> str:
    """Check one custom domain's DNS proof now (queued when it is added)."""
    from .domains import domain_verify

    domain = domain_verify(domain_id=domain_id)
    return domain.status if domain is not None else "missing"


@shared_task(name="tenants.verify_domains")
def verify_domains() -> dict[str, int]:
    """Beat: check every custom domain's DNS proof (apps.tenants.domains)."""
    from .domains import domains_verify_all

    return domains_verify_all()
