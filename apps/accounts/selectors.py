from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from .models import Membership, User


def member_for_token(*, public_id, tenant) -> User | None:
    """The active user behind a token, if still an active member of `tenant` (one query)."""
    return (
        User.objects.filter(
            public_id=public_id, is_active=True,
            memberships__tenant=tenant, memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .first()
    )


def is_staff_member_here(*, user) -> bool:
    """Whether `user` is active staff of the tenant whose schema is in use (one query)."""
    return Membership.objects.filter(
        user=user, tenant__schema_name=connection.schema_name,
        kind=Membership.Kind.STAFF, status=Membership.Status.ACTIVE,
    ).exists()


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
