from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, Value

from apps.authz.access import Access, Grant
from apps.authz.scopes import Scope
from apps.core.cache import scope as cache_scope
from apps.core.cache import versioned_get_or_build

from .models import Role, RoleAssignment, RolePermission

# A snapshot is dropped as soon as the workspace's roles, grants or assignments change (the
# `roles:<schema>` scope, bumped by apps.rbac.services); the timeout only bounds memory.
ACCESS_CACHE_SECONDS = 3600


def role_keys(*, user) -> frozenset[str]:
    """The keys of the user's enabled roles here (from the cached snapshot, access_for)."""
    return frozenset(access_for(user=user).roles)


def access_for(*, user, active_role: str | None = None) -> Access:
    """The user's permissions with scopes in the current schema. With `active_role`, only
    that role counts (the role picked with switch-role).

    A snapshot of plain values cached per schema, user and active role under the schema's
    `roles` scope, and kept in the process: a steady-state call costs one version read, a
    miss two queries.
    Per-object grants (django-guardian) are not in it: Access reads them when asked."""
    if getattr(user, "pk", None) is None:
        return Access(user=user, active_role=active_role)
    schema = connection.schema_name
    plain = versioned_get_or_build(
        f"rbac:access:{schema}:{user.pk}:{active_role or ''}", [cache_scope("roles", schema)],
        lambda: _access_build(user=user, active_role=active_role).to_plain(), ACCESS_CACHE_SECONDS, local=True)
    return Access.from_plain(plain, user=user)


def _access_build(*, user, active_role: str | None) -> Access:
    """access_for from the database (two queries)."""
    assignments = RoleAssignment.objects.filter(user_id=user.pk, role__is_active=True)
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
