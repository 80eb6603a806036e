"""django-prometheus' outermost middleware (first in MIDDLEWARE), which also counts every
response against its tenant: it sees the final status, also of the responses the inner
middleware gives without reaching a view (a refused host, a rate limit) and of the 500 an
unhandled exception becomes."""

from __future__ import annotations

from django_prometheus.middleware import PrometheusBeforeMiddleware as BaseBeforeMiddleware
from django_prometheus.utils import TimeSince

from . import database  # noqa: F401  (counts the connections this process opens)
from .definitions import TENANT_REQUEST_SECONDS, TENANT_REQUESTS
from .tenants import status_class, tenant_label_for


class PrometheusBeforeMiddleware(BaseBeforeMiddleware):
    def process_response(self, request, response):
        response = super().process_response(request, response)
        tenant = tenant_label_for(getattr(request, "tenant", None))
        TENANT_REQUESTS.labels(tenant=tenant, status_class=status_class(response.status_code)).inc()
        started = getattr(request, "prometheus_before_middleware_event", None)
        if started is not None:
            TENANT_REQUEST_SECONDS.labels(tenant=tenant).inc(TimeSince(started))
        return response
