"""Role writes: the owner role, copies of HQ templates, permission edits that respect
HQ locks, assignments with branch limits. All audited."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.authz import catalogue
from apps.authz.scopes import Scope
from apps.core.cache import bump, pending_scopes
from apps.core.cache import scope as cache_scope
from apps.core.changes import model_update
from apps.core.errors import PlatformError

from .errors import GrantTooWide, InvalidScope, LastOwner, LockedPermission, RoleInUse, SystemRole
from .models import Role, RoleAssignment, RolePermission


def tenant_permissions():
    return catalogue.tenant_permissions()


def _tenant():
    from .tenancy import current_tenant

    return current_tenant()


def roles_changed() -> None:
    """Roles, their grants or who holds them (and where) changed in this workspace: what
    is cached under its `roles` scope (each user's access snapshot, apps.rbac.selectors;
    flag rules by role) is rebuilt once the transaction commits. Every write below calls
    it; apps.rbac.signals covers writes that bypass the services."""
    name = cache_scope("roles", connection.schema_name)
    if name not in pending_scopes():  # once per transaction is enough
        bump(name)


def _audit(action, *, actor, target, changes=None, metadata=None):
    tenant = _tenant()
    audit_record(action=action, actor=actor, target=target, changes=changes, metadata=metadata,
                 tenant=tenant)


@transaction.atomic
def roles_bootstrap() -> Role:
    """The owner role with every tenant permission, workspace-wide. Idempotent; runs in
    the tenant's schema."""
    owner, _created = Role.objects.get_or_create(
        key=Role.OWNER, defaults={"name": str(_("Owner")), "is_system": True,
                                  "description": str(_("Full control of this workspace."))}
    )
    existing = set(owner.grants.values_list("permission_id", flat=True))
    RolePermission.objects.bulk_create([
        RolePermission(role=owner, permission_id=perm_id, scope=Scope.TENANT)
        for perm_id in tenant_permissions().values_list("pk", flat=True) if perm_id not in existing])
    owner.grants.exclude(scope=Scope.TENANT).update(scope=Scope.TENANT)
    roles_changed()
    return owner


def role_assign(*, user, role: Role, branches=(), actor=None) -> RoleAssignment:
    """Give `user` the role, limited to `branches` (empty: every branch). Idempotent."""
    with transaction.atomic():
        assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role)
        assignment.branches.set(branches)
        roles_changed()  # new, or limited to other branches
        if actor is not None or created:
            _audit("rbac.role_assigned", actor=actor, target=role,
                   metadata={"user": str(user.public_id), "branches": sorted(b.pk for b in branches)})
    return assignment


def role_unassign(*, user, role: Role, actor) -> None:
    with transaction.atomic():
        if role.key == Role.OWNER and RoleAssignment.objects.filter(role=role).exclude(user=user).count() == 0:
            raise LastOwner()
        RoleAssignment.objects.filter(user=user, role=role).delete()
        roles_changed()
        _audit("rbac.role_unassigned", actor=actor, target=role, metadata={"user": str(user.public_id)})


def user_roles_set(*, user, assignments: list[tuple[Role, list]], actor) -> None:
    """Replace the user's roles: [(role, branches), ...]."""
    with transaction.atomic():
        keep = {role.pk for role, _branches in assignments}
        for current in RoleAssignment.objects.filter(user=user).exclude(role_id__in=keep).select_related("role"):
            role_unassign(user=user, role=current.role, actor=actor)
        for role, branches in assignments:
            role_assign(user=user, role=role, branches=branches, actor=actor)


def _grants_map(grants: dict[str, str]) -> dict[int, str]:
    """{"customer:view": "branch"} -> {permission id: scope}, refusing unknown names/scopes."""
    result = {}
    for key, scope in grants.items():
        if scope not in Scope.values:
            raise InvalidScope(InvalidScope.message % {"scope": scope}, details={"perm": key})
        result[catalogue.permission_id(key)] = scope
    return result


def _check_locks(role: Role, before: dict[int, str], after: dict[int, str]) -> None:
    for key in role.locked:
        try:
            perm_id = catalogue.permission_id(key)
        except PlatformError:
            continue
        if before.get(perm_id) != after.get(perm_id):
            raise LockedPermission(details={"perm": key})


@transaction.atomic
def role_create(*, key: str, name: str, description: str = "", grants: dict[str, str] | None = None,
                actor, actor_access=None) -> Role:
    """`actor_access` (None: the platform itself) must hold every granted permission at
    its scope or wider (`grant_too_wide`)."""
    wanted = _grants_map(grants or {})
    role_grants_check(access=actor_access, before={}, after=wanted)
    role = Role(key=key, name=name, description=description)
    role.full_clean()
    role.save()
    RolePermission.objects.bulk_create(RolePermission(role=role, permission_id=pid, scope=scope)
                                       for pid, scope in wanted.items())
    roles_changed()
    _audit("rbac.role_created", actor=actor, target=role, metadata={"grants": grants or {}})
    return role


@transaction.atomic
def role_update(*, role: Role, actor, actor_access=None, name: str | None = None, description: str | None = None,
                is_active: bool | None = None, grants: dict[str, str] | None = None) -> Role:
    """Rename, enable/disable, or replace the role's permissions (`grants`: key -> scope).
    HQ-locked permissions must stay exactly as they are; the owner role is fixed; what is
    added or widened must be held by `actor_access` at that scope or wider."""
    role = Role.objects.select_for_update().get(pk=role.pk)
    if role.is_system and ((is_active is not None and is_active != role.is_active) or grants is not None):
        raise SystemRole()
    data = {field: value for field, value in (("name", name), ("description", description), ("is_active", is_active))
            if value is not None}
    changes = model_update(role, data=data, fields=["name", "description", "is_active"])
    roles_changed()  # enabled or not, its name and its grants are in every holder's snapshot
    if grants is not None:
        before = dict(role.grants.values_list("permission_id", "scope"))
        after = _grants_map(grants)
        _check_locks(role, before, after)
        role_grants_check(access=actor_access, before=before, after=after)
        role.grants.exclude(permission_id__in=after).delete()
        for perm_id, scope in after.items():
            RolePermission.objects.update_or_create(role=role, permission_id=perm_id, defaults={"scope": scope})
        changes["grants"] = [_keys(before), _keys(after)]
    _audit("rbac.role_updated", actor=actor, target=role, changes=changes)
    return role


def _keys(grants: dict[int, str]) -> dict[str, str]:
    from django.contrib.auth.models import Permission

    names = {p.pk: catalogue.key_for(p.codename, p.content_type.model)
             for p in Permission.objects.filter(pk__in=grants).select_related("content_type")}
    return {names[pid]: scope for pid, scope in sorted(grants.items())}


@transaction.atomic
def role_delete(*, role: Role, actor) -> None:
    if role.is_system:
        raise SystemRole()
    if role.assignments.exists():
        raise RoleInUse(RoleInUse.message % {"count": role.assignments.count()})
    _audit("rbac.role_deleted", actor=actor, target=role)
    role.delete()
    roles_changed()


def object_grant(*, user, perm: str, obj, actor) -> None:
    """Per-object grant with django-guardian (e.g. a teacher's own classes)."""
    from guardian.shortcuts import assign_perm

    with transaction.atomic():
        assign_perm(perm.split(".", 1)[1], user, obj)
        _audit("rbac.object_granted", actor=actor, target=obj, metadata={"perm": perm, "user": str(user.public_id)})


def grant_check(*, access, roles, branches=()) -> None:
    """Nobody hands out more than they hold: every permission of `roles` must be the
    actor's, and a branch-limited actor can only limit to their own branches."""
    if access is None:
        return
    role_ids = [role.pk for role in roles]
    wanted = set(RolePermission.objects.filter(role_id__in=role_ids).values_list(
        "permission__content_type__app_label", "permission__codename"))
    missing = sorted(f"{app}.{codename}" for app, codename in wanted if not access.has(f"{app}.{codename}"))
    if missing:
        raise GrantTooWide(details={"perms": [catalogue.key_of(name) or name for name in missing]})
    for app, codename in wanted:
        reach = access.branch_ids(f"{app}.{codename}")
        if reach is not None and (not branches or any(b.pk not in reach for b in branches)):
            raise GrantTooWide(_("You can only give roles limited to your own branches."),
                               details={"branches": sorted(reach)})


_SCOPE_RANK = {Scope.OWN: 0, Scope.BRANCH: 1, Scope.TENANT: 2}


def role_grants_check(*, access, before: dict[int, str], after: dict[int, str]) -> None:
    """Nobody edits a role beyond what they hold: every permission added to a role, or
    widened (own -> branch -> tenant), must be the actor's at that scope or wider.
    `before`/`after`: {permission id: scope}. Removing or narrowing is always allowed."""
    if access is None:
        return
    from django.contrib.auth.models import Permission

    changed = {pid: scope for pid, scope in after.items()
               if pid not in before or _SCOPE_RANK[scope] > _SCOPE_RANK[before[pid]]}
    if not changed:
        return
    names = {p.pk: f"{p.content_type.app_label}.{p.codename}"
             for p in Permission.objects.filter(pk__in=changed).select_related("content_type")}
    too_wide = {}
    for pid, scope in changed.items():
        grant = access.grant(names[pid])
        if grant is None or _SCOPE_RANK[grant.scope] < _SCOPE_RANK[scope]:
            too_wide[catalogue.key_of(names[pid]) or names[pid]] = scope
    if too_wide:
        raise GrantTooWide(_("You cannot give a role permissions, or scopes, that you do not have yourself."),
                           details={"perms": sorted(too_wide), "scopes": too_wide})
