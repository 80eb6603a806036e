"""Accounts' refusals: log-ins and tokens (codes are stable: API clients and tests rely on
them)."""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core.errors import PlatformError

from . import lockout

# --- Log-in --------------------------------------------------------------------------------


class LoginRefused(PlatformError):
    """Any refused log-in (apps.accounts.services.login_check)."""


class InvalidCredentials(LoginRefused):
    code = "invalid_credentials"
    status = 401
    message = _("The email address or password is incorrect.")


class AccountLocked(LoginRefused):
    code = "account_locked"
    status = 403
    message = _("This account is locked after too many failed logins. Try again after %(when)s, "
                "or reset your password.")

    def __init__(self, locked_until):
        when, zone = lockout.local_time_label(locked_until)  # "17:05 (Asia/Seoul)"
        super().__init__(self.message % {"when": when},
                         details={"locked_until": locked_until.isoformat(), "timezone": zone})


class TooManyFailedLogins(LoginRefused):
    """This client address failed too often (apps.accounts.lockout): refused whatever
    account it tries, until its window ends."""

    code = "too_many_failed_logins"
    status = 429
    message = _("Too many failed logins from your network address. Try again in %(minutes)s minutes.")

    def __init__(self, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            ngettext("Too many failed logins from your network address. Try again in %(minutes)s minute.",
                     "Too many failed logins from your network address. Try again in %(minutes)s minutes.",
                     minutes) % {"minutes": minutes},
            details={"retry_after": retry_after},
        )


class AccountInactive(LoginRefused):
    code = "account_inactive"
    status = 403
    message = _("This account has been deactivated.")


# --- Tokens --------------------------------------------------------------------------------


class NotAMember(PlatformError):
    code = "not_a_member"
    status = 403
    message = _("This account has no access to this workspace.")


class TokenRejected(PlatformError):
    code = "token_not_valid"
    status = 401
    message = _("The token is invalid or expired.")


class TokenTenantMismatch(TokenRejected):
    code = "token_tenant_mismatch"
    message = _("This token belongs to another workspace.")


class MembershipInactive(TokenRejected):
    code = "membership_inactive"
    message = _("This account no longer has access to this workspace.")


class BadAuthorizationHeader(TokenRejected):
    """Raised by simplejwt's JWTAuthentication (a DRF AuthenticationFailed with this code)
    for an `Authorization: Bearer` header that is not two words."""

    code = "bad_authorization_header"
    message = _("Authorization header must contain two space-delimited values")


class RoleNotHeld(PlatformError):
    code = "role_not_held"
    status = 403
    message = _("You do not hold this role here.")
