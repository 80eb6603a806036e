"""API keys' refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import InvalidData, PlatformError


class ApiKeyRejected(PlatformError):
    code = "api_key_invalid"
    status = 401
    message = _("The API key is invalid.")


class ApiKeyRevoked(ApiKeyRejected):
    code = "api_key_revoked"
    message = _("This API key has been revoked.")


class ApiKeyExpired(ApiKeyRejected):
    code = "api_key_expired"
    message = _("This API key has expired.")


class ApiKeyScopeTooWide(PlatformError):
    code = "api_key_scope_too_wide"
    status = 403
    message = _("A key cannot have permissions you do not have yourself.")


class ExpiryInPast(InvalidData):
    message = _("The expiry must be in the future.")
