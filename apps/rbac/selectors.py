from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Prefetch, Q, QuerySet, Value

from apps.authz.access import Access, Grant
from apps.authz.scopes import Scope

from .models import Role, RoleAssignment, RolePermission


def role_keys(*, user) -> frozenset[str]:
    """The keys of the user's enabled roles here (one query)."""
    return frozenset(RoleAssignment.objects.filter(user_id=user.pk, role__is_active=True)
                     .values_list("role__key", flat=True))


def access_for(*, user, active_role: str | None = None) -> Access:
    """The user's permissions with scopes in the current schema (two queries). With
    `active_role`, only that role counts (the role picked with switch-role)."""
    assignments = RoleAssignment.objects.filter(user=user, role__is_active=True)
    if active_role:
        assignments = assignments.filter(role__key=active_role)
    rows = list(assignments.annotate(branch_ids=ArrayAgg("branches__id", filter=Q(branches__isnull=False),
                                                         default=Value([])))
                .values_list("role_id", "role__key", "role__name", "branch_ids"))
    access = Access(user=user, roles=sorted({key for _role, key, _name, _b in rows}), active_role=active_role,
                    role_names={key: name for _role, key, name, _b in rows})
    if not rows:
        return access
    assignments_by_role: dict[int, list[set[int]]] = {}
    for role_id, _key, _name, branch_ids in rows:
        assignments_by_role.setdefault(role_id, []).append(set(branch_ids))
    grants = RolePermission.objects.filter(role_id__in=assignments_by_role).values_list(
        "role_id", "permission__content_type__app_label", "permission__codename", "scope")
    for role_id, app_label, codename, scope in grants:
        grant = access.grants.setdefault(f"{app_label}.{codename}", Grant())
        for limited_to in assignments_by_role[role_id]:
            if scope == Scope.OWN:
                grant.own = True
            elif scope == Scope.TENANT and not limited_to:
                grant.everywhere = True
            else:  # branch scope, or a role limited to branches
                grant.branch_ids |= limited_to
    return access


def role_list() -> QuerySet[Role]:
    return Role.objects.prefetch_related(
        Prefetch("grants", queryset=RolePermission.objects.select_related("permission__content_type")))


def assignments_for_users(*, user_ids) -> dict[int, list[RoleAssignment]]:
    rows = (RoleAssignment.objects.filter(user_id__in=list(user_ids)).select_related("role")
            .prefetch_related("branches"))
    result: dict[int, list[RoleAssignment]] = {}
    for row in rows:
        result.setdefault(row.user_id, []).append(row)
    return result
