from __future__ import annotations

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.rbac.models import RoleAssignment
from apps.rbac.selectors import assignments_for_users

from .models import Invitation, StaffProfile


def staff_list(*, access, perm: str = "staff.view_staffprofile") -> QuerySet[StaffProfile]:
    """Staff the caller reaches: everyone (tenant scope) or those holding a role in one
    of the caller's branches (branch scope)."""
    queryset = StaffProfile.objects.all()
    branch_ids = access.branch_ids(perm)
    if branch_ids is None:
        return queryset
    if not access.has(perm):
        return queryset.none()
    in_branches = RoleAssignment.objects.filter(branches__in=branch_ids).values("user_id")
    own = [access.user.pk] if getattr(access.user, "pk", None) else []
    return queryset.filter(user_id__in=in_branches) | queryset.filter(user_id__in=own)


def staff_page_context(profiles) -> dict:
    """What a page of staff needs besides the rows (two or three queries, any page size)."""
    user_ids = [p.user_id for p in profiles]
    return {"assignments": assignments_for_users(user_ids=user_ids),
            "public_ids": dict(User.objects.filter(pk__in=user_ids).values_list("pk", "public_id"))}


def invitation_list() -> QuerySet[Invitation]:
    return Invitation.objects.prefetch_related("roles", "branches")
