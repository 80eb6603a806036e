"""Fallback only: the services (apps.rbac.services) call `roles_changed` themselves. These
receivers cover writes that bypass them (a shell, a data fix, a test saving a row, a
branch deleted under an assignment limited to it), so that no cached access snapshot
outlives the roles it was built from. No business logic here; `QuerySet.update()` and
`bulk_create()` send no signal, so code that uses them must call `roles_changed`."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Role, RoleAssignment, RolePermission
from .services import roles_changed


def _changed(sender, **kwargs):
    roles_changed()


def connect() -> None:
    """Called once by apps.rbac.apps.RbacConfig.ready."""
    for model in (Role, RolePermission, RoleAssignment):
        post_save.connect(_changed, sender=model, dispatch_uid=f"rbac.changed.save.{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"rbac.changed.delete.{model.__name__}")
    m2m_changed.connect(_changed, sender=RoleAssignment.branches.through, dispatch_uid="rbac.changed.branches")
    # A deleted branch leaves the assignments limited to it (the rows of the table above go
    # with it, without a signal of their own).
    post_delete.connect(_changed, sender="branches.Branch", dispatch_uid="rbac.changed.branch_deleted")
