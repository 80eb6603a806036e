"""Service-market webhooks (seeds/003 §6), processed by a worker through apps.inbound.
Idempotent: a tenant already in the target state is left alone."""

from django.utils.translation import gettext_lazy as _

from apps.inbound.registry import inbound_handler, inbound_source
from apps.tenants.lifecycle import tenant_soft_delete, tenant_suspend
from apps.tenants.models import Tenant

from .services import SOURCE

S = Tenant.Status
inbound_source(SOURCE, label=_("Service market"))


@inbound_handler(SOURCE, "user.deleted", label=_("Market user deleted"))
def user_deleted(event) -> None:
    email = str(event.data.get("email") or "").strip().lower()
    if not email:
        raise ValueError('"data.email" is required')
    reason = f"Service market: user deleted (user_id={event.data.get('user_id', '?')}, event {event.event_id})"
    # Only tenants the service market created: a self-signup or HQ tenant that happens to
    # share the owner email is not the market's to delete.
    tenants = (Tenant.objects.filter(owner_email__iexact=email).exclude(market_application_id="")
               .exclude(status__in=[S.DELETED, S.PURGED]))
    for tenant in tenants:
        if tenant.status == S.PROVISIONING:
            raise RuntimeError(f"tenant {tenant.slug} is still provisioning; retry when it has finished")
        tenant_soft_delete(tenant=tenant, actor=None, reason=reason)


@inbound_handler(SOURCE, "service.cancelled", label=_("Service cancelled"))
def service_cancelled(event) -> None:
    application_id = str(event.data.get("application_id") or "").strip()
    if not application_id:
        raise ValueError('"data.application_id" is required')
    tenant = Tenant.objects.filter(market_application_id=application_id).exclude(status=S.PURGED).first()
    if tenant is None:
        raise LookupError(f"no tenant for application {application_id}")
    if tenant.status in (S.SUSPENDED, S.DELETED):
        return
    reason = f"Service market: service cancelled (application {application_id}, event {event.event_id})"
    tenant_suspend(tenant=tenant, actor=None, reason=reason)
