"""What the identity hub answers other services (reads only): who the caller is (OIDC
userinfo), may someone do something (check-permission). The APIs: apps.accounts.hub_apis.

Scopes of API keys (apps.apikeys.models.ApiKey permissions): `identity:check` lets a service
ask about any person of the key's workspace, `token:introspect` lets it inspect tokens."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress

from apps.authz import catalogue, sources
from apps.authz.access import Access

from .callers import api_access
from .models import User
from .selectors import is_staff_member_here, member_kinds
from .sessions import session_ended

CHECK_SCOPE = "identity:check"
INTROSPECT_SCOPE = "token:introspect"


class Reason:
    """Why check-permission answered as it did (stable codes)."""

    GRANTED = "granted"
    NOT_GRANTED = "not_granted"  # no role of theirs holds it (or not staff here)
    OTHER_BRANCH = "other_branch"  # held, but not in the branch asked about
    NOT_A_MEMBER = "not_a_member"  # no such person, or no active membership of this workspace


@dataclass(frozen=True)
class Check:
    permission: str
    allowed: bool
    reason: str
    scope: str | None = None
    branches: list[int] | None = None
    active_role: str | None = None
    user: str | None = None


def permission_check(*, access: Access, permission: str, branch: int | None = None, user=None) -> Check:
    """May `access` do `permission` (resource:action; UnknownPermission otherwise), in
    `branch` when given? `user`: whose access it is (their public id goes in the answer)."""
    django_name = catalogue.django_perm(permission)
    grant = access.grant(django_name)
    branches = access.branch_ids(django_name)
    reason = Reason.GRANTED if grant is not None else Reason.NOT_GRANTED
    if grant is not None and branch is not None and branches is not None and branch not in branches:
        reason = Reason.OTHER_BRANCH
    return Check(permission=permission, allowed=reason == Reason.GRANTED, reason=reason,
                 scope=grant.scope if grant else None, branches=None if branches is None else sorted(branches),
                 active_role=access.active_role, user=str(user.public_id) if user is not None else None)


def person_here(public_id) -> User | None:
    """The active person with this public id holding an active membership of the workspace
    whose schema is in use, else None."""
    user = User.objects.filter(public_id=public_id, is_active=True).first()
    return user if user is not None and member_kinds(user=user) else None


def check_for_person(*, public_id, permission: str, branch: int | None = None) -> Check:
    """check-permission about someone else (a service's question): their roles here, all of them."""
    catalogue.django_perm(permission)  # an unknown permission is a mistake of the caller's, whoever is asked about
    user = person_here(public_id)
    if user is None:
        return Check(permission=permission, allowed=False, reason=Reason.NOT_A_MEMBER, user=str(public_id))
    access = sources.access_for(user=user) if is_staff_member_here(user=user) else Access(user=user)
    return permission_check(access=access, permission=permission, branch=branch, user=user)


def may_check_others(request) -> bool:
    return api_access(request).has(catalogue.django_perm(CHECK_SCOPE))


def email_verified(user) -> bool:
    return EmailAddress.objects.filter(user_id=user.pk, email__iexact=user.email, verified=True).exists()


def userinfo(*, request) -> dict:
    """The caller's identity here, as an OpenID Connect userinfo response (standard claims
    first, then the workspace's: tenant, memberships, roles, permissions, branch)."""
    user, tenant = request.user, request.tenant
    access = api_access(request)
    branch_sets = [grant.branch_ids for grant in access.grants.values() if not grant.everywhere]
    everywhere = any(grant.everywhere for grant in access.grants.values())
    branches = sorted(set().union(*branch_sets)) if branch_sets and not everywhere else []
    return {
        "sub": str(user.public_id),
        "email": user.email,
        "email_verified": email_verified(user),
        "name": user.full_name or user.email,
        "locale": user.language or tenant.locale,
        "tenant": tenant.slug,
        "memberships": sorted(member_kinds(user=user, tenant=tenant)),
        "roles": list(access.roles),
        "active_role": access.active_role,
        "permissions": sorted(filter(None, (catalogue.key_of(name) for name in access.django_perms))),
        "branch": branches[0] if len(branches) == 1 else None,
        "branches": branches,
    }


INACTIVE = {"active": False}


def decoded_token(raw: str):
    """A token of ours (signature and expiry checked), or None."""
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import UntypedToken

    try:
        return UntypedToken(raw)
    except TokenError:
        return None


def introspect(*, token, tenant) -> dict:
    """RFC 7662 about a token (`decoded_token` of what the caller was given: None when it
    is not one of ours), for a service of `tenant`: active only when it is one of ours (signature, expiry), of
    this workspace, not revoked (a refresh token used or logged out), and its person is
    still an active member here. Anything else, whatever the cause, is {"active": false}:
    the service learns nothing about other workspaces."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    if token is None or token.get("tenant") != tenant.slug:
        return INACTIVE
    kind = token.get("type")
    if kind not in ("access", "refresh"):
        return INACTIVE
    if kind == "refresh" and BlacklistedToken.objects.filter(token__jti=token.get("jti")).exists():
        return INACTIVE
    if session_ended(token.get("sid")):  # ended by the person, HQ or a new password: at once, here
        return INACTIVE
    from .selectors import member_for_token

    if member_for_token(public_id=token.get("sub"), tenant=tenant) is None:
        return INACTIVE
    permissions = list(token.get("permissions") or [])
    return {
        "active": True, "sub": token.get("sub"), "tenant": tenant.slug, "client_id": tenant.slug,
        "token_type": kind, "scope": " ".join(permissions), "permissions": permissions,
        "roles": list(token.get("roles") or []), "active_role": token.get("active_role"),
        "branch": token.get("branch"), "exp": token.get("exp"), "iat": token.get("iat"), "jti": token.get("jti"),
    }
