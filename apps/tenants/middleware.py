"""Selects the tenant (and its schema and URLconf) from the request's host."""

import logging

from django.core.exceptions import DisallowedHost
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tenants.middleware.main import TenantMainMiddleware

from apps.core.errors import error_response
from apps.core.logging import bind

from .models import Tenant
from .routing import tenant_for_host

logger = logging.getLogger(__name__)

# Paths that answer on any host, even an unknown or closed one (load balancer probes).
ANY_HOST_PATHS = ("/health/",)

S = Tenant.Status
_NOT_FOUND = (404, "tenant_not_found", _("There is no workspace at this address."))
_PENDING = (403, "tenant_pending_approval",
            _("This workspace is waiting for approval. Please try again once it has been approved."))
_NOT_READY = (503, "tenant_not_ready", _("This workspace is being set up. Please try again in a few minutes."))
# status -> (HTTP status, code, message). Waiting for approval is not an outage (and
# may take days): 403 with its own code, not the 503 of a workspace being set up.
_REFUSALS = {
    S.REQUESTED: _PENDING,
    S.APPROVED: _PENDING,
    S.PROVISIONING: _NOT_READY,
    S.FAILED: _NOT_READY,
    S.SUSPENDED: (403, "tenant_suspended",
                  _("This workspace has been suspended. Please contact the platform operator.")),
    S.DELETED: _NOT_FOUND,
    S.PURGED: _NOT_FOUND,
}
# Seconds a client should wait before asking a workspace being set up again.
RETRY_AFTER_SECONDS = 30


class TenantRoutingMiddleware(TenantMainMiddleware):
    def process_request(self, request):
        connection.set_schema_to_public()
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return self._refuse(request, None, (400, "bad_host", _("This host name is not served here.")))

        tenant = tenant_for_host(hostname)
        if tenant is None or tenant.status != Tenant.Status.ACTIVE:
            if request.path in ANY_HOST_PATHS:
                self.setup_url_routing(request, force_public=True)
                return None
            return self._refuse(request, tenant, _REFUSALS.get(tenant.status, _NOT_READY) if tenant else _NOT_FOUND)

        tenant.domain_url = hostname
        request.tenant = tenant
        connection.set_tenant(tenant)
        self.setup_url_routing(request)
        bind(tenant=tenant.schema_name)
        return None

    @staticmethod
    def _refuse(request, tenant, refusal):
        """An expected refusal, not a fault: logged here at INFO (a failed provisioning at
        WARNING, someone should look) and kept out of Django's request log, which would
        log a 503 at ERROR."""
        status, code, message = refusal
        # LocaleMiddleware has not run yet: answer in the language the client asks for.
        with translation.override(translation.get_language_from_request(request)):
            response = error_response(request, status, code, message)
        if status == 503:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        level = logging.WARNING if tenant is not None and tenant.status == S.FAILED else logging.INFO
        logger.log(level, "request refused: %s", code, extra={
            "code": code, "status_code": status, "host": request.META.get("HTTP_HOST", "")[:255],
            "tenant_slug": tenant.slug if tenant else "", "path": request.path})
        response._has_been_logged = True  # django.utils.log.log_response: already logged
        return response
