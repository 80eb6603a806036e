"""What one user (or API key) may do in the current tenant, with scopes.

`Access` is computed from the user's role assignments (apps.authz.sources.access_for,
implemented by apps.rbac) and answers both the admin (through
PlatformBackend.get_all_permissions) and the API (through apps.accounts.callers.api_access,
which apps.rbac.api.HasWorkspacePermission asks): one source of truth.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from django.db.models import Q, QuerySet

from .scopes import Scope


@dataclass
class Grant:
    everywhere: bool = False
    branch_ids: set[int] = field(default_factory=set)
    own: bool = False

    @property
    def scope(self) -> str:
        if self.everywhere:
            return Scope.TENANT
        return Scope.BRANCH if self.branch_ids else Scope.OWN


@dataclass
class Access:
    user: object = None
    roles: list[str] = field(default_factory=list)
    active_role: str | None = None
    role_names: dict[str, str] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)  # "app.codename" -> Grant

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
            condition |= Q(pk__in=_object_grants(self.user, django_name, queryset.model))
        return queryset.filter(condition)

    def allows_object(self, django_name: str, obj, *, branch_id=None) -> bool:
        grant = self.grants.get(django_name)
        if grant is not None and (grant.everywhere or (branch_id is not None and branch_id in grant.branch_ids)):
            return True
        return self.user is not None and getattr(self.user, "pk", None) is not None and obj.pk in set(
            _object_grants(self.user, django_name, type(obj)))


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


def _object_grants(user, django_name: str, model):
    """Primary keys of `model` rows on which `user` holds `django_name` per object."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    codename = django_name.split(".", 1)[1]
    content_type = ContentType.objects.get_for_model(model)
    pk_field = model._meta.pk
    object_pks = UserObjectPermission.objects.filter(
        user=user, permission__codename=codename, content_type=content_type).values_list("object_pk", flat=True)
    return [pk_field.to_python(pk) for pk in object_pks]
