"""Selects the tenant (and its schema and URLconf) from the request's host."""

from django.core.exceptions import DisallowedHost
from django.db import connection
from django.utils.translation import gettext_lazy as _
from django_tenants.middleware.main import TenantMainMiddleware

from apps.core.errors import error_response
from apps.core.logging import bind

from .models import Tenant
from .routing import tenant_for_host

# Paths that answer on any host, even an unknown or closed one (load balancer probes).
ANY_HOST_PATHS = ("/health/",)

_CLOSED = {
    Tenant.Status.SUSPENDED: (403, "tenant_suspended",
                              _("This workspace has been suspended. Please contact the platform operator.")),
    Tenant.Status.DELETED: (404, "tenant_not_found", _("There is no workspace at this address.")),
    Tenant.Status.PURGED: (404, "tenant_not_found", _("There is no workspace at this address.")),
}
_NOT_READY = (503, "tenant_not_ready", _("This workspace is being set up. Please try again in a few minutes."))


class TenantRoutingMiddleware(TenantMainMiddleware):
    def process_request(self, request):
        connection.set_schema_to_public()
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return error_response(request, 400, "bad_host", _("This host name is not served here."))

        tenant = tenant_for_host(hostname)
        if tenant is None or tenant.status != Tenant.Status.ACTIVE:
            if request.path in ANY_HOST_PATHS:
                self.setup_url_routing(request, force_public=True)
                return None
            if tenant is None:
                return error_response(request, 404, "tenant_not_found", _("There is no workspace at this address."))
            status, code, message = _CLOSED.get(tenant.status, _NOT_READY)
            return error_response(request, status, code, message)

        tenant.domain_url = hostname
        request.tenant = tenant
        connection.set_tenant(tenant)
        self.setup_url_routing(request)
        bind(tenant=tenant.schema_name)
        return None
