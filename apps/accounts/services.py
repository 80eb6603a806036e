"""Identity writes: password checks with lockout, users, memberships."""

from __future__ import annotations

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError

from .models import Membership, User


class LoginRefused(PlatformError):
    status = 401


class InvalidCredentials(LoginRefused):
    code = "invalid_credentials"
    message = _("The email address or password is incorrect.")


class AccountLocked(LoginRefused):
    code = "account_locked"
    status = 403

    def __init__(self, locked_until):
        when = date_format(timezone.localtime(locked_until), "DATETIME_FORMAT")
        super().__init__(
            _("This account is locked after too many failed logins. Try again after %(when)s, "
              "or reset your password.") % {"when": when},
            details={"locked_until": locked_until.isoformat()},
        )


class AccountInactive(LoginRefused):
    code = "account_inactive"
    status = 403
    message = _("This account has been deactivated.")


def _security_event(action: str, *, user=None, email: str = "", **metadata) -> None:
    from apps.audit.models import AuditEvent
    from apps.audit.services import audit_record

    audit_record(action=action, category=AuditEvent.Category.SECURITY, actor=user, actor_email=email,
                 target=user, metadata=metadata)


def login_check(*, email: str, password: str) -> User:
    """Check an email and password. Counts failures; LOGIN_MAX_FAILURES in a row lock
    the account for LOGIN_LOCKOUT_SECONDS. Raises a LoginRefused subclass. Every
    outcome is a security event in the audit log."""
    email = (email or "").strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        User().set_password(password)  # spend the same time as a real check
        _security_event("auth.login_failed", email=email[:254], reason="unknown_email")
        raise InvalidCredentials()
    if user.is_locked:
        _security_event("auth.login_failed", user=user, reason="locked")
        raise AccountLocked(user.locked_until)
    if not user.check_password(password):
        locked_until = _record_login_failure(user)
        _security_event("auth.login_failed", user=user, reason="bad_password")
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


def membership_ensure(*, user: User, tenant, kind: str = Membership.Kind.STAFF) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, tenant=tenant, kind=kind, defaults={"status": Membership.Status.ACTIVE}
    )
    if not created and membership.status != Membership.Status.ACTIVE:
        membership.status = Membership.Status.ACTIVE
        membership.save(update_fields=["status", "updated_at"])
    return membership


# --- Tokens ------------------------------------------------------------------------------


class NotAMember(PlatformError):
    code = "not_a_member"
    status = 403
    message = _("This account has no access to this workspace.")


def token_obtain(*, tenant, email: str, password: str) -> dict:
    """Log in on a tenant host: an access and a refresh token bound to `tenant`."""
    from . import selectors
    from .tokens import issue_refresh_token, token_pair

    user = login_check(email=email, password=password)
    if selectors.member_for_token(public_id=user.public_id, tenant=tenant) is None:
        raise NotAMember()
    return token_pair(issue_refresh_token(user=user, tenant=tenant))


def token_refresh(*, tenant, refresh: str) -> dict:
    """Rotate: the old refresh token is revoked, a new pair is issued with fresh claims.
    A refresh token can be used once; a second use is refused."""
    from . import selectors
    from .tokens import RefreshToken, TokenRejected, issue_refresh_token, parse_token, token_pair

    with transaction.atomic():
        old = parse_token(refresh, RefreshToken, tenant=tenant)
        user = selectors.member_for_token(public_id=old.get("sub"), tenant=tenant)
        if user is None:
            raise TokenRejected(_("This account no longer has access to this workspace."), code="membership_inactive")
        _blacklisted, created = old.blacklist()
        if not created:
            raise TokenRejected()
        _security_event("auth.token_refreshed", user=user, tenant=tenant.slug)
        return token_pair(issue_refresh_token(user=user, tenant=tenant, active_role=old.get("active_role")))


def token_revoke(*, tenant, refresh: str) -> None:
    """Log out: revoke the refresh token (access tokens expire on their own within minutes)."""
    from .tokens import RefreshToken, parse_token

    parse_token(refresh, RefreshToken, tenant=tenant).blacklist()


def token_verify(*, tenant, token: str) -> dict:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    from .tokens import TokenRejected, UntypedToken, parse_token

    parsed = parse_token(token, UntypedToken, tenant=tenant)
    if parsed.get("type") == "refresh" and BlacklistedToken.objects.filter(token__jti=parsed.get("jti")).exists():
        raise TokenRejected()
    expires = datetime.fromtimestamp(parsed["exp"], tz=dt_timezone.utc)
    return {"valid": True, "type": parsed.get("type"), "expires_at": expires}


def token_switch_role(*, tenant, user, role: str | None) -> dict:
    """New tokens whose `active_role` is `role` (None: all roles at once). The user must
    hold the role; permissions in the new token are that role's only."""
    from .tokens import RoleNotHeld, issue_refresh_token, tenant_claims, token_pair

    if role and role not in tenant_claims(user=user, tenant=tenant)["roles"]:
        raise RoleNotHeld(details={"role": role})
    with transaction.atomic():
        _security_event("auth.role_switched", user=user, tenant=tenant.slug, role=role)
    return token_pair(issue_refresh_token(user=user, tenant=tenant, active_role=role))
