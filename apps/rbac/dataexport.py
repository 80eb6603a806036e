"""The roles, what each may do and who holds them, in the workspace export (apps.workspace.export)."""

from apps.core.datasets import dataset

from .models import Role, RoleAssignment, RolePermission

dataset("rbac/roles", Role, exclude=["permissions"])
dataset("rbac/role_permissions", RolePermission,
        columns=["id", "role_id", "role__key", "permission__content_type__app_label", "permission__codename", "scope"])
dataset("rbac/role_assignments", RoleAssignment, columns=["id", "user_id", "user__email", "role_id", "role__key",
                                                          "created_at"])
dataset("rbac/role_assignment_branches", RoleAssignment.branches.through)
