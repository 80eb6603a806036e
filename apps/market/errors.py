"""Service-market integration's refusals (codes are stable: the market and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import Conflict, PlatformError


class InvalidApiKey(PlatformError):
    code = "invalid_api_key"
    status = 401
    message = _("The API key is missing, unknown or revoked.")


class ApplicationExists(Conflict):
    """`details`: the market's tenant id and the status of the tenant that exists."""

    code = "application_exists"
    message = _("A tenant already exists for this application.")


class MarketTenantExists(Conflict):
    """`details`: the market's tenant id, the slug and status of the tenant that exists."""

    code = "tenant_exists"
    message = _("A tenant already exists for this service-market tenant id.")
