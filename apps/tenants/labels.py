"""The audit actions apps.tenants writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "tenant.created": pgettext_lazy("audit action", "Tenant created"),
        "tenant.updated": pgettext_lazy("audit action", "Tenant updated"),
        "tenant.approved": pgettext_lazy("audit action", "Tenant approved"),
        "tenant.provisioning_started": pgettext_lazy("audit action", "Provisioning started"),
        "tenant.provisioning_retried": pgettext_lazy("audit action", "Provisioning retried"),
        "tenant.provisioned": pgettext_lazy("audit action", "Tenant provisioned"),
        "tenant.provisioning_failed": pgettext_lazy("audit action", "Provisioning failed"),
        "tenant.suspended": pgettext_lazy("audit action", "Tenant suspended"),
        "tenant.reactivated": pgettext_lazy("audit action", "Tenant reactivated"),
        "tenant.deleted": pgettext_lazy("audit action", "Tenant deleted"),
        "tenant.restored": pgettext_lazy("audit action", "Tenant restored"),
        "tenant.purged": pgettext_lazy("audit action", "Tenant purged"),
        "tenant.invite_resent": pgettext_lazy("audit action", "Owner invitation resent"),
        "tenant.demo_expiry_notified": pgettext_lazy("audit action", "Demo expiry notice sent"),
        "tenant.plan_requested": pgettext_lazy("audit action", "Plan requested"),
        "tenant.domain_saved": pgettext_lazy("audit action", "Domain saved"),
        "tenant.domain_deleted": pgettext_lazy("audit action", "Domain removed"),
        "tenant.domain_added": pgettext_lazy("audit action", "Custom domain added"),
        "tenant.domain_verified": pgettext_lazy("audit action", "Domain verified"),
        "tenant.domain_failing": pgettext_lazy("audit action", "Domain verification failing"),
        "tenant.domain_disabled": pgettext_lazy("audit action", "Domain disabled"),
        "tenant.domain_pending": pgettext_lazy("audit action", "Domain waiting for DNS"),
    })
