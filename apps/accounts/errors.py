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


# --- The identity hub (apps.accounts.hub_apis) ----------------------------------------------


class HubScopeMissing(PlatformError):
    """A question only a service with the right API key scope may ask (apps.accounts.hub)."""

    code = "scope_missing"
    status = 403
    message = _("This needs an API key with the %(scope)s scope.")

    def __init__(self, scope: str):
        super().__init__(self.message % {"scope": scope}, details={"scope": scope})


# --- Kakao and Naver login (apps.accounts.social) --------------------------------------------


class SocialProviderUnknown(PlatformError):
    code = "social_provider_unknown"
    status = 404
    message = _("This login provider is not offered here.")


class SocialTokenInvalid(PlatformError):
    code = "social_token_invalid"
    status = 401
    message = _("The login provider did not accept this access token.")


class SocialProviderUnavailable(PlatformError):
    code = "social_provider_unavailable"
    status = 502
    message = _("The login provider could not be reached. Try again in a moment.")


class SocialLinkRequired(PlatformError):
    """The provider's e-mail belongs to an existing account that this login is not linked
    to: the app asks the person for that account's password and sends it as `password`."""

    code = "social_link_password_required"
    status = 409
    message = _("An account with this e-mail address already exists. Enter its password to link this login to it.")


class SocialEmailRequired(PlatformError):
    code = "social_email_required"
    status = 400
    message = _("The login provider did not share an e-mail address. Enter one to continue.")


class SocialEmailUnverified(PlatformError):
    code = "social_email_unverified"
    status = 403
    message = _("Confirm your e-mail address first: we sent you a link.")
