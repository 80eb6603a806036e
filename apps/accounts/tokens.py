"""JWTs bound to one tenant. Claims: sub (user public id), tenant (slug), roles,
active_role, branch, permissions, type (access/refresh)."""

from __future__ import annotations

from django_tenants.utils import schema_context
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, UntypedToken

from apps.authz import catalogue, sources

from .errors import TokenRejected, TokenTenantMismatch


def tenant_claims(*, user, tenant, active_role: str | None = None) -> dict:
    """Claims for `user` on `tenant`: every enabled role, the active one (if still held),
    the branches it is limited to (`branch`: the one branch, or null for several or all)
    and the permissions as resource:action names."""
    with schema_context(tenant.schema_name):
        everything = sources.access_for(user=user)
        if active_role not in everything.roles:
            active_role = None
        access = sources.access_for(user=user, active_role=active_role) if active_role else everything
        permissions = sorted(filter(None, (catalogue.key_of(name) for name in access.django_perms)))
        branch_sets = [grant.branch_ids for grant in access.grants.values() if not grant.everywhere]
        everywhere = any(grant.everywhere for grant in access.grants.values())
    branches = sorted(set().union(*branch_sets)) if branch_sets and not everywhere else []
    return {
        "tenant": tenant.slug,
        "roles": everything.roles,
        "active_role": active_role,
        "branch": branches[0] if len(branches) == 1 else None,
        "branches": branches,
        "permissions": permissions,
    }


def issue_refresh_token(*, user, tenant, active_role: str | None = None, session=None) -> RefreshToken:
    """A refresh token for `user` on `tenant`, in a session (apps.accounts.sessions): a new
    one, or `session` (a public id) that it continues."""
    from .sessions import session_record

    refresh = RefreshToken.for_user(user)
    for claim, value in tenant_claims(user=user, tenant=tenant, active_role=active_role).items():
        refresh[claim] = value
    session_record(refresh=refresh, user=user, tenant=tenant, session=session)
    return refresh


def token_pair(refresh: RefreshToken) -> dict:
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def parse_token(raw: str, token_class=UntypedToken, *, tenant):
    """Verify signature, expiry, type and blacklist, and that the token is `tenant`'s."""
    try:
        token = token_class(raw)
    except TokenError as exc:
        raise TokenRejected() from exc
    if token.get("tenant") != tenant.slug:
        raise TokenTenantMismatch()
    return token


__all__ = ["AccessToken", "RefreshToken", "issue_refresh_token", "parse_token", "tenant_claims", "token_pair"]
