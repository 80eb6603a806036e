"""What one user (or API key) may do in the current tenant, with scopes.

`Access` is computed from the user's role assignments (apps.authz.sources.access_for,
implemented by apps.rbac) and answers both the admin (through
PlatformBackend.get_all_permissions) and the API (through apps.accounts.callers.api_access,
which apps.rbac.api.HasWorkspacePermission asks): one source of truth. apps.rbac caches it
per user as plain values (`to_plain` / `from_plain`); per-object grants (django-guardian)
are never part of that snapshot: `scope_filter` and `allows_object` read them when asked.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Set
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from .scopes import Scope


@dataclass(slots=True)  # an owner's snapshot makes a few hundred per request
class Grant:
    everywhere: bool = False
    branch_ids: set[int] = field(default_factory=set)
    own: bool = False

    @property
    def scope(self) -> str:
        if self.everywhere:
            return Scope.TENANT
        return Scope.BRANCH if self.branch_ids else Scope.OWN


class SnapshotGrants(MutableMapping):
    """`Access.grants` read from a cached snapshot (`to_plain`'s "grants"): each Grant is
    made when first read. An owner's snapshot holds a few hundred, a request reads one or
    two (making them all cost about 0.2 ms a request). The snapshot is shared (the cache
    keeps it in the process) and never changed: a change makes them all first."""

    __slots__ = ("_plain", "_made")

    def __init__(self, plain: dict[str, list]):
        self._plain: dict[str, list] | None = plain
        self._made: dict[str, Grant] = {}

    def __getitem__(self, name: str) -> Grant:
        grant = self._made.get(name)
        if grant is None and self._plain is not None:
            everywhere, branch_ids, own = self._plain[name]
            grant = self._made[name] = Grant(everywhere=everywhere, branch_ids=set(branch_ids), own=own)
        elif grant is None:
            raise KeyError(name)
        return grant

    def _all(self) -> dict[str, Grant]:
        if self._plain is not None:
            made = {name: self[name] for name in self._plain}
            self._plain, self._made = None, made
        return self._made

    def __setitem__(self, name: str, grant: Grant) -> None:
        self._all()[name] = grant

    def __delitem__(self, name: str) -> None:
        del self._all()[name]

    def __contains__(self, name) -> bool:
        return name in (self._plain if self._plain is not None else self._made)

    def __iter__(self) -> Iterator[str]:
        return iter(self._plain if self._plain is not None else self._made)

    def __len__(self) -> int:
        return len(self._plain if self._plain is not None else self._made)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


@dataclass
class Access:
    user: object = None
    roles: list[str] = field(default_factory=list)
    active_role: str | None = None
    role_names: dict[str, str] = field(default_factory=dict)
    grants: MutableMapping[str, Grant] = field(default_factory=dict)  # "app.codename" -> Grant

    @property
    def django_perms(self) -> set[str]:
        return set(self.grants)

    def has(self, django_name: str) -> bool:
        return django_name in self.grants

    def grant(self, django_name: str) -> Grant | None:
        return self.grants.get(django_name)

    def branch_ids(self, django_name: str) -> set[int] | None:
        """Branches where the permission applies; None means every branch."""
        grant = self.grants.get(django_name)
        if grant is None:
            return set()
        return None if grant.everywhere else set(grant.branch_ids)

    def to_plain(self) -> dict:
        """Everything but the user, as plain values (what apps.core.cache may keep)."""
        return {"roles": list(self.roles), "active_role": self.active_role, "role_names": dict(self.role_names),
                "grants": {name: [grant.everywhere, sorted(grant.branch_ids), grant.own]
                           for name, grant in self.grants.items()}}

    @classmethod
    def from_plain(cls, data: dict, *, user=None) -> Access:
        """A fresh Access (callers may change it) from `to_plain()`'s value."""
        return cls(user=user, roles=list(data["roles"]), active_role=data["active_role"],
                   role_names=dict(data["role_names"]), grants=SnapshotGrants(data["grants"]))

    def scope_filter(self, queryset: QuerySet, django_name: str, *, branch_field: str | None = "branch") -> QuerySet:
        """Keep the rows the permission reaches: all (tenant scope), those in the user's
        branches (branch scope), or those granted per object with django-guardian."""
        grant = self.grants.get(django_name)
        if grant is None:
            return queryset.none()
        if grant.everywhere:
            return queryset
        condition = Q(pk__in=[])
        if grant.branch_ids and branch_field:
            condition |= Q(**{f"{branch_field}__in": grant.branch_ids})
        if self.user is not None and getattr(self.user, "pk", None):
            # part of the same query: per-object grants are never cached, always current
            condition |= Exists(_object_grants(self.user, django_name, queryset.model)
                                .filter(object_pk=Cast(OuterRef("pk"), CharField())))
        return queryset.filter(condition)

    def allows_object(self, django_name: str, obj, *, branch_id=None) -> bool:
        grant = self.grants.get(django_name)
        if grant is not None and (grant.everywhere or (branch_id is not None and branch_id in grant.branch_ids)):
            return True
        return self.user is not None and getattr(self.user, "pk", None) is not None and _object_grants(
            self.user, django_name, type(obj)).filter(object_pk=str(obj.pk)).exists()


@runtime_checkable
class KeyCredential(Protocol):
    """A credential that carries its own permissions instead of a person's roles: an API
    key (apps.apikeys sets `permission_names` on the ApiKey it authenticates, which DRF
    puts in `request.auth`). Whoever holds it may do exactly these "app.codename"
    permissions, workspace-wide. A person's token has no `permission_names`."""

    permission_names: Set[str]


def key_access(auth) -> Access | None:
    """The Access of a key credential (`request.auth`); None when `auth` is not one."""
    if not isinstance(auth, KeyCredential):
        return None
    return Access(grants={name: Grant(everywhere=True) for name in auth.permission_names})


def _object_grants(user, django_name: str, model) -> QuerySet:
    """The per-object grants (django-guardian) of `django_name` to `user` on `model` rows
    (`object_pk` holds the row's primary key as text). The content type is joined, not
    looked up: django-tenants empties ContentType's cache whenever a request picks a schema."""
    from guardian.models import UserObjectPermission

    codename = django_name.split(".", 1)[1]
    return UserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename=codename, content_type__app_label=model._meta.app_label,
        content_type__model=model._meta.model_name)
