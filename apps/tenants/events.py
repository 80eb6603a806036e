"""The events the tenant lifecycle publishes into the workspace's own outbox."""

from django.utils.translation import gettext_lazy as _

from apps.events.catalogue import STRING, EventType, event_type_register, obj

TENANT_SUSPENDED = event_type_register(EventType(
    name="tenant.suspended", label=_("Workspace suspended"), group="tenants", audience=("owner",),
    description=_("The platform suspended the workspace (its admin and API answer 403 until reactivated)."),
    schema=obj({"tenant": obj({"slug": STRING, "name": STRING}), "reason": STRING}),
    example={"tenant": {"slug": "acme", "name": "Acme Academy"}, "reason": "Invoice INV-2026-000123 unpaid"}))
TENANT_REACTIVATED = event_type_register(EventType(
    name="tenant.reactivated", label=_("Workspace reactivated"), group="tenants", audience=("owner",),
    description=_("The platform reactivated the workspace."),
    schema=obj({"tenant": obj({"slug": STRING, "name": STRING}), "reason": STRING}),
    example={"tenant": {"slug": "acme", "name": "Acme Academy"}, "reason": "Invoice paid"}))


def tenant_data(tenant, reason: str) -> dict:
    return {"tenant": {"slug": tenant.slug, "name": tenant.name}, "reason": reason or ""}
