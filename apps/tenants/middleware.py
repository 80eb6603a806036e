"""Selects the tenant (and its schema and URLconf) from the request's host.

django-tenants' TenantMainMiddleware runs the request as it is; we fill in its hooks:
`hostname_from_request` (a host outside ALLOWED_HOSTS is refused, not raised),
`get_tenant` (the cached lookup, active tenants only) and `no_tenant_found` (our refusals:
unknown host, closed or not yet open workspaces). Health checks answer on any host without
a tenant lookup: `/health/live/` must do no I/O at all."""

import logging

from django.core.exceptions import DisallowedHost
from django.db import connection
from django.utils import translation
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name

from apps.core.activity import activity_seen, request_identity
from apps.core.errors import error_response
from apps.core.logging import bind

from .api_host import is_api_host, route_api_host
from .errors import BadHost, TenantNotFound, TenantNotReady, TenantPendingApproval, TenantSuspended
from .models import Tenant
from .routing import tenant_for_host

logger = logging.getLogger(__name__)

# Paths that answer on any host, even an unknown or closed one (load balancer probes), in
# the public schema and URLconf, without looking the host up (apps.core.health).
ANY_HOST_PATHS = frozenset({"/health/", "/health/live/", "/health/ready/", "/metrics", "/.well-known/jwks.json",
                            "/internal/tls/ask"})  # the TLS proxy's question (apps.tenants.tls)

S = Tenant.Status
# status -> the refusal (apps.tenants.errors). Waiting for approval is not an outage (and
# may take days): 403 with its own code, not the 503 of a workspace being set up.
_REFUSALS = {
    S.REQUESTED: TenantPendingApproval,
    S.APPROVED: TenantPendingApproval,
    S.PROVISIONING: TenantNotReady,
    S.FAILED: TenantNotReady,
    S.SUSPENDED: TenantSuspended,
    S.DELETED: TenantNotFound,
    S.PURGED: TenantNotFound,
}
# Seconds a client should wait before asking a workspace being set up again.
RETRY_AFTER_SECONDS = 30


class TenantRoutingMiddleware(TenantMainMiddleware):
    def process_request(self, request):
        if request.path in ANY_HOST_PATHS:
            if self.hostname_from_request(request) is None:
                return self._refuse(request, None, BadHost)
            connection.set_schema_to_public()
            self.setup_url_routing(request, force_public=True)
            return None
        if is_api_host(self.hostname_from_request(request)):  # `X-Tenant` (apps.tenants.api_host)
            return route_api_host(self, request)
        return super().process_request(request)

    def process_response(self, request, response):
        """An authenticated request on a workspace's host is its activity (apps.core.activity:
        at most a Redis write a minute per process)."""
        tenant = getattr(request, "tenant", None)
        if tenant is not None and tenant.schema_name != get_public_schema_name():
            identity = request_identity(request)
            if identity is not None:
                activity_seen(tenant_id=tenant.pk, identity=identity)
        return response

    @staticmethod
    def hostname_from_request(request):
        """The host name, or None for a Host header outside ALLOWED_HOSTS (refused with
        `bad_host` by `no_tenant_found`; the library would answer a bare 404)."""
        try:
            return TenantMainMiddleware.hostname_from_request(request)
        except DisallowedHost:
            return None

    def get_tenant(self, domain_model, hostname):
        """The active tenant served at `hostname`, from the routing cache (no query in the
        steady state). Unknown hosts and tenants that are not open raise DoesNotExist."""
        tenant = tenant_for_host(hostname) if hostname is not None else None
        if tenant is None or tenant.status != S.ACTIVE:
            raise domain_model.DoesNotExist
        bind(tenant=tenant.schema_name)
        return tenant

    def no_tenant_found(self, request, hostname):
        """A clear refusal: a bad host, an unknown one, a workspace that is not open."""
        if hostname is None:
            return self._refuse(request, None, BadHost)
        tenant = tenant_for_host(hostname)
        return self._refuse(request, tenant, _REFUSALS.get(tenant.status, TenantNotReady) if tenant else TenantNotFound)

    @staticmethod
    def _refuse(request, tenant, refusal):
        """An expected refusal, not a fault: logged here at INFO (a failed provisioning at
        WARNING, someone should look) and kept out of Django's request log, which would
        log a 503 at ERROR."""
        status, code, message = refusal.status, refusal.code, refusal.message
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
