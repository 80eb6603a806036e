from .services import role_assign, roles_bootstrap


def owner_role(*, tenant, owner) -> None:
    """Provisioning step: the owner role with every tenant permission, held by the owner.
    (settings.PROVISIONING_STEPS uses apps.roletemplates.provisioning.tenant_roles, which
    does this and copies the industry role templates.)"""
    role_assign(user=owner, role=roles_bootstrap())
