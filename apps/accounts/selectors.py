from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Q, QuerySet, Value

from apps.core.cache import scope, versioned_get_or_build

from .models import Membership, User

# What a request needs of the person behind a token, in the model's order (Model.from_db):
# the user is built as if loaded with `.only(*MEMBER_USER_FIELDS)`, so reading another
# field loads it from the database and `save()` writes only these. Not the fields logins
# write (last_login, the lockout counters), so that a login drops nothing cached.
MEMBER_USER_FIELDS = tuple(field.attname for field in User._meta.concrete_fields if field.attname in {
    "id", "is_superuser", "public_id", "email", "full_name", "is_staff", "is_active", "date_joined", "language"})
# A member entry is dropped as soon as the user or their memberships change (the
# `user:<id>` scope, user_scope) or the tenant does (`tenant:<id>`); the timeout only
# bounds memory. A token of nobody (no such user) is remembered briefly.
MEMBER_CACHE_SECONDS = 3600
_NOBODY_SECONDS = 60


def user_scope(user_id) -> str:
    """The cache scope of a user's account fields and memberships (apps.core.cache):
    whatever changes either bumps it (apps.accounts.services, apps.accounts.signals)."""
    return scope("user", user_id)


def _member_row(*, public_id: str, tenant) -> dict | None:
    row = (User.objects.filter(public_id=public_id)
           .annotate(kinds=ArrayAgg("memberships__kind", default=Value([]), filter=Q(
               memberships__tenant=tenant, memberships__status=Membership.Status.ACTIVE)))
           .values(*MEMBER_USER_FIELDS, "kinds").first())
    if row is None:
        return None
    return {"user": {name: row[name] for name in MEMBER_USER_FIELDS}, "kinds": sorted(set(row["kinds"]))}


def _member_entry(*, public_id, tenant) -> dict | None:
    """{"user": {field: value}, "kinds": active membership kinds in `tenant`}, or None for
    no such user; cached (plain values) under the tenant's and the user's scopes, and kept in
    the process (each request of a token reads it)."""
    public_id = str(public_id).lower()
    return versioned_get_or_build(
        f"accounts:member:{tenant.pk}:{public_id}", [scope("tenant", tenant.pk)],
        lambda: _member_row(public_id=public_id, tenant=tenant),
        lambda entry: MEMBER_CACHE_SECONDS if entry else _NOBODY_SECONDS,
        depends_on=lambda entry: [user_scope(entry["user"]["id"])] if entry else [], local=True,
        # the request checks the member's access next (apps.rbac's snapshot): one MGET for both
        read_along=[scope("roles", tenant.schema_name)])


def member_for_token(*, public_id, tenant) -> User | None:
    """The active user behind a token, if still an active member of `tenant`. Cached: a
    steady-state call costs one Redis round trip and no query; deactivating the user or
    the membership takes effect on the next request. The user comes with the kinds of
    membership they hold in `tenant` (member_kinds)."""
    entry = _member_entry(public_id=public_id, tenant=tenant)
    if entry is None or not entry["user"]["is_active"] or not entry["kinds"]:
        return None
    user = User.from_db(DEFAULT_DB_ALIAS, list(MEMBER_USER_FIELDS),
                        [entry["user"][name] for name in MEMBER_USER_FIELDS])
    user._member_kinds = {tenant.schema_name: frozenset(entry["kinds"])}
    return user


def member_kinds(*, user, tenant=None) -> frozenset[str]:
    """The kinds of active membership (staff, customer) `user` holds in `tenant` (default:
    the tenant whose schema is in use): as found when the token was checked
    (member_for_token), else one query."""
    schema = tenant.schema_name if tenant is not None else connection.schema_name
    known = getattr(user, "_member_kinds", {}).get(schema)
    if known is not None:
        return known
    return frozenset(Membership.objects.filter(user_id=user.pk, tenant__schema_name=schema,
                                               status=Membership.Status.ACTIVE).values_list("kind", flat=True))


def is_staff_member_here(*, user) -> bool:
    """Whether `user` is active staff of the tenant whose schema is in use (member_kinds)."""
    return Membership.Kind.STAFF in member_kinds(user=user)


def user_by_email(*, email: str) -> User | None:
    """The global identity with this address (case-insensitive), if any."""
    return User.objects.filter(email__iexact=User.objects.normalize_email(email)).first()


def membership_of(*, user, tenant, kind: str) -> Membership | None:
    return Membership.objects.filter(user=user, tenant=tenant, kind=kind).first()


def customer_memberships_here() -> QuerySet[Membership]:
    """Active customer memberships of the tenant whose schema is in use. Lazy: callers
    compose it into their own query (`user_id__in=...values("user_id")`)."""
    return Membership.objects.filter(tenant__schema_name=connection.schema_name, kind=Membership.Kind.CUSTOMER,
                                     status=Membership.Status.ACTIVE)
