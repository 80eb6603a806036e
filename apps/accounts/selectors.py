from __future__ import annotations

from django.db import connection

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
