"""Tenants' refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import NotFound, PermissionDenied, PlatformError


class TenantError(PlatformError):
    code = "tenant_error"
    status = 400


class ProvisioningFailed(TenantError):
    code = "provisioning_failed"
    status = 500
    message = _("Provisioning failed.")


class PrimaryDomain(TenantError):
    code = "primary_domain"
    status = 409
    message = _("The primary domain cannot be removed.")


class IllegalTransition(PlatformError):
    """The tenant's status does not allow this."""

    code = "invalid_status"
    status = 409
    message = _("The tenant's status does not allow this.")


class PublicTenantProtected(IllegalTransition):
    """The public tenant serves the ops portal and the platform API: suspending or
    deleting it would lock HQ out until someone repaired the database by hand."""

    code = "public_tenant"
    message = _("The platform's own (HQ) tenant cannot be approved, provisioned, suspended, deleted or "
                "otherwise changed here.")
    domain_message = _("The platform's own (HQ) address cannot be changed or removed here.")


class DemoExpired(IllegalTransition):
    code = "demo_expired"
    message = _("The demo period of %(name)s has ended. Extend it or make the tenant a customer first.")


class RetentionError(IllegalTransition):
    code = "retention"
    message = _("The retention period does not allow this.")


class PlanChangeNotAllowed(PlatformError):
    code = "plan_change_not_allowed"
    status = 409
    message = _("The plan of a %(status)s tenant cannot be changed.")


class SamePlan(PlatformError):
    code = "same_plan"
    status = 400
    message = _("The tenant is already on this plan.")


class OperatorPermissionDenied(PermissionDenied):
    message = _("Your HQ role does not allow this action.")


# Refusals of the host routing (apps.tenants.middleware), before any view runs.


class BadHost(PlatformError):
    code = "bad_host"
    status = 400
    message = _("This host name is not served here.")


class TenantNotFound(PlatformError):
    code = "tenant_not_found"
    status = 404
    message = _("There is no workspace at this address.")


class TenantPendingApproval(PlatformError):
    code = "tenant_pending_approval"
    status = 403
    message = _("This workspace is waiting for approval. Please try again once it has been approved.")


class TenantNotReady(PlatformError):
    code = "tenant_not_ready"
    status = 503
    message = _("This workspace is being set up. Please try again in a few minutes.")


class TenantSuspended(PlatformError):
    code = "tenant_suspended"
    status = 403
    message = _("This workspace has been suspended. Please contact the platform operator.")


# The shared API host `api.<BASE_DOMAIN>` (apps.tenants.api_host).


class TenantHeaderMissing(PlatformError):
    code = "tenant_header_required"
    status = 401
    message = _("Name the workspace in the X-Tenant header.")


class TenantHeaderRejected(PlatformError):
    code = "tenant_header_rejected"
    status = 401
    message = _("Send a token or an API key of the workspace named in the X-Tenant header.")


class ApiHostPathNotServed(NotFound):
    message = _("The API host serves only the workspace API (/api/).")
