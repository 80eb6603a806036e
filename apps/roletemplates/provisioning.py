from apps.rbac.services import role_assign, roles_bootstrap
from apps.staff.services import staff_profile_ensure

from .services import templates_apply, templates_ensure_defaults


def tenant_roles(*, tenant, owner) -> None:
    """Provisioning step: the owner role (every permission, workspace-wide) held by the
    owner with a staff profile, plus the HQ role templates of the tenant's business type."""
    role_assign(user=owner, role=roles_bootstrap())
    staff_profile_ensure(user=owner)
    templates_ensure_defaults(business_type=tenant.business_type)
    templates_apply(business_type=tenant.business_type)
