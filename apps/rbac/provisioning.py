from .services import role_assign, roles_bootstrap


def owner_role(*, tenant, owner) -> None:
    """Provisioning step: the owner role with every tenant permission, held by the owner."""
    role_assign(user=owner, role=roles_bootstrap())
