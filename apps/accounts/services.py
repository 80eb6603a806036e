"""Identity writes: password checks with lockout, users, memberships."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.activity import activity_seen
from apps.core.cache import bump, pending_scopes
from apps.core.logging import request_context

from . import lockout
from .errors import (
    AccountInactive,
    AccountLocked,
    InvalidCredentials,
    MembershipInactive,
    NotAMember,
    RoleNotHeld,
    TokenRejected,
    TooManyFailedLogins,
)
from .models import Membership, TokenSession, User
from .selectors import user_scope
from .sessions import sessions_end_all


def _security_event(action: str, *, user=None, email: str = "", actor=None, **metadata) -> None:
    audit_record(action=action, category=AuditEvent.Category.SECURITY, actor=actor or user, actor_email=email,
                 target=user, metadata=metadata)


def _request_ip() -> str | None:
    return request_context.get().get("ip")  # apps.core.net.client_ip, set per request


def _ip_failure(ip: str | None, *, user=None, email: str = "") -> None:
    failures = lockout.ip_failure(ip)
    if failures == settings.LOGIN_IP_MAX_FAILURES:
        _security_event("auth.ip_blocked", user=user, email=email, address=lockout.address_of(ip),
                        failures=failures, window_seconds=settings.LOGIN_IP_WINDOW_SECONDS)


def login_check(*, email: str, password: str, ip: str | None = None) -> User:
    """Check an email and password from client address `ip` (default: this request's).
    Counts failures: LOGIN_MAX_FAILURES in a row lock the account for
    LOGIN_LOCKOUT_SECONDS; LOGIN_IP_MAX_FAILURES from one address refuse that address
    for the rest of its window (apps.accounts.lockout). Raises a LoginRefused subclass.
    Every outcome is a security event in the audit log."""
    email = (email or "").strip()
    ip = ip if ip is not None else _request_ip()
    retry_after = lockout.ip_retry_after(ip)
    if retry_after:
        _security_event("auth.login_failed", email=email[:254], reason="ip_blocked")
        raise TooManyFailedLogins(retry_after)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        User().set_password(password)  # spend the same time as a real check
        _security_event("auth.login_failed", email=email[:254], reason="unknown_email")
        _ip_failure(ip, email=email[:254])
        raise InvalidCredentials()
    if user.is_locked:
        _security_event("auth.login_failed", user=user, reason="locked")
        _ip_failure(ip, user=user)
        raise AccountLocked(user.locked_until)
    if not user.check_password(password):
        locked_until = _record_login_failure(user)
        _security_event("auth.login_failed", user=user, reason="bad_password")
        _ip_failure(ip, user=user)
        if locked_until:
            _security_event("auth.account_locked", user=user, until=locked_until.isoformat())
            raise AccountLocked(locked_until)
        raise InvalidCredentials()
    if not user.is_active:
        _security_event("auth.login_failed", user=user, reason="inactive")
        raise AccountInactive()
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        user.failed_login_count, user.locked_until = 0, None
    _security_event("auth.login_succeeded", user=user)
    return user


def _record_login_failure(user: User):
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.failed_login_count += 1
        if locked.failed_login_count >= settings.LOGIN_MAX_FAILURES:
            locked.locked_until = timezone.now() + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
            locked.failed_login_count = 0
        locked.save(update_fields=["failed_login_count", "locked_until"])
    return locked.locked_until if locked.is_locked else None


def user_unlock(*, user: User) -> User:
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    user.refresh_from_db(fields=["failed_login_count", "locked_until"])
    return user


def user_password_changed(*, user: User, via: str, actor=None) -> User:
    """A new password was set (`via`: password_reset, password_change, password_set,
    admin). It ends a lockout, as the lockout message promises: whoever set it proved
    control of the mailbox or the session, or is HQ."""
    user.refresh_from_db(fields=["failed_login_count", "locked_until"])
    was_locked = user.is_locked
    with transaction.atomic():
        if user.failed_login_count or user.locked_until:
            user_unlock(user=user)
        _security_event("auth.password_changed", user=user, actor=actor, via=via)
        if was_locked:
            _security_event("auth.account_unlocked", user=user, actor=actor, reason=via)
        sessions_end_all(user=user, reason=TokenSession.EndReason.PASSWORD_CHANGED, actor=actor)
    return user


def user_language_set(*, user: User, language: str) -> User:
    """The language the person chose (the admins' language switch): kept on their account,
    so that another browser of theirs starts in it too (apps.core.admin_sites)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
        members_changed(user_ids=[user.pk])
    return user


def user_get_or_create(*, email: str, full_name: str = "") -> tuple[User, bool]:
    """The global identity for `email`; created without a usable password if new."""
    email = User.objects.normalize_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user:
        return user, False
    user = User(email=email, full_name=full_name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user, True


def user_password_set(*, user: User, password: str) -> User:
    """Give an account without a usable password (a new consumer's, say) the password
    its person chose. AUTH_PASSWORD_VALIDATORS apply: ValidationError {"password": [...]}."""
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def members_changed(*, user_ids) -> None:
    """These users' account fields or memberships changed: what is cached about them (the
    member check of each request, apps.accounts.selectors) is rebuilt once the
    transaction commits. apps.accounts.signals covers saves that bypass the services."""
    pending = pending_scopes()  # once per transaction is enough
    bump(*{user_scope(pk) for pk in user_ids if pk is not None} - pending)


def membership_ensure(*, user: User, tenant, kind: str = Membership.Kind.STAFF) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, tenant=tenant, kind=kind, defaults={"status": Membership.Status.ACTIVE}
    )
    reactivated = not created and membership.status != Membership.Status.ACTIVE
    if reactivated:
        membership.status = Membership.Status.ACTIVE
        membership.save(update_fields=["status", "updated_at"])
    if created or reactivated:
        members_changed(user_ids=[user.pk])
    return membership


def membership_status_set(*, user_id: int, tenant, kind: str, status: str) -> int:
    """Suspend, remove or reactivate a user's membership of `kind` in `tenant`; takes
    effect on the user's next request (their cached member check is dropped on commit).
    Returns how many memberships changed (0 or 1)."""
    changed = Membership.objects.filter(user_id=user_id, tenant=tenant, kind=kind).exclude(status=status).update(
        status=status, updated_at=timezone.now())
    if changed:
        members_changed(user_ids=[user_id])
    return changed


# --- Tokens ------------------------------------------------------------------------------


def token_obtain(*, tenant, email: str, password: str) -> dict:
    """Log in on a tenant host: an access and a refresh token bound to `tenant`."""
    from . import selectors
    from .tokens import issue_refresh_token, token_pair

    user = login_check(email=email, password=password)
    if selectors.member_for_token(public_id=user.public_id, tenant=tenant) is None:
        raise NotAMember()
    update_last_login(None, user)  # a token login is a login: "last activity" in the portal
    activity_seen(tenant_id=tenant.pk, identity=f"u{user.pk}")
    return token_pair(issue_refresh_token(user=user, tenant=tenant))


def token_refresh(*, tenant, refresh: str) -> dict:
    """Rotate: the old refresh token is revoked, a new pair is issued with fresh claims.
    A refresh token can be used once; a second use is refused."""
    from . import selectors
    from .tokens import RefreshToken, issue_refresh_token, parse_token, token_pair

    with transaction.atomic():
        old = parse_token(refresh, RefreshToken, tenant=tenant)
        user = selectors.member_for_token(public_id=old.get("sub"), tenant=tenant)
        if user is None:
            raise MembershipInactive()
        _blacklisted, created = old.blacklist()
        if not created:
            raise TokenRejected()
        _security_event("auth.token_refreshed", user=user, tenant=tenant.slug)
        return token_pair(issue_refresh_token(user=user, tenant=tenant, active_role=old.get("active_role"),
                                              session=old.get("sid")))


def token_revoke(*, tenant, refresh: str) -> None:
    """Log out: revoke the refresh token (access tokens expire on their own within minutes)."""
    from .sessions import session_logout
    from .tokens import RefreshToken, parse_token

    with transaction.atomic():
        token = parse_token(refresh, RefreshToken, tenant=tenant)
        token.blacklist()
        session_logout(refresh=token)


def token_verify(*, tenant, token: str) -> dict:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    from .sessions import session_ended
    from .tokens import UntypedToken, parse_token

    parsed = parse_token(token, UntypedToken, tenant=tenant)
    if parsed.get("type") == "refresh" and BlacklistedToken.objects.filter(token__jti=parsed.get("jti")).exists():
        raise TokenRejected()
    if parsed.get("type") == "refresh" and session_ended(parsed.get("sid")):
        raise TokenRejected()
    expires = datetime.fromtimestamp(parsed["exp"], tz=UTC)
    return {"valid": True, "type": parsed.get("type"), "expires_at": expires}


def token_switch_role(*, tenant, user, role: str | None, session=None) -> dict:
    """New tokens whose `active_role` is `role` (None: all roles at once). The user must
    hold the role; permissions in the new token are that role's only. `session`: the
    caller's (the token's `sid`), which the new tokens continue."""
    from .tokens import issue_refresh_token, tenant_claims, token_pair

    if role and role not in tenant_claims(user=user, tenant=tenant)["roles"]:
        raise RoleNotHeld(details={"role": role})
    with transaction.atomic():
        _security_event("auth.role_switched", user=user, tenant=tenant.slug, role=role)
        return token_pair(issue_refresh_token(user=user, tenant=tenant, active_role=role, session=session))
