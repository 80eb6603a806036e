"""JWTs bound to one tenant. Claims: sub (user public id), tenant (slug), roles,
active_role, branch, permissions, type (access/refresh)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_tenants.utils import schema_context
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, UntypedToken

from apps.core.errors import PlatformError


class TokenRejected(PlatformError):
    code = "token_not_valid"
    status = 401
    message = _("The token is invalid or expired.")


class TokenTenantMismatch(TokenRejected):
    code = "token_tenant_mismatch"
    message = _("This token belongs to another workspace.")


def tenant_claims(*, user, tenant, active_role: str | None = None) -> dict:
    from apps.rbac.selectors import permissions_for, roles_for

    with schema_context(tenant.schema_name):
        roles = [role.key for role in roles_for(user=user)]
        permissions = sorted(permissions_for(user=user))
    return {
        "tenant": tenant.slug,
        "roles": roles,
        "active_role": active_role if active_role in roles else None,
        "branch": None,
        "permissions": permissions,
    }


def issue_refresh_token(*, user, tenant, active_role: str | None = None) -> RefreshToken:
    refresh = RefreshToken.for_user(user)
    for claim, value in tenant_claims(user=user, tenant=tenant, active_role=active_role).items():
        refresh[claim] = value
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


__all__ = ["AccessToken", "RefreshToken", "TokenRejected", "TokenTenantMismatch", "issue_refresh_token",
           "parse_token", "tenant_claims", "token_pair"]
