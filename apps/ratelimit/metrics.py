"""Rate-limit rejections in Prometheus (apps.core.metrics): every 429 by the limit that
decided (tenant, user, api_key, ip, month). No tenant label: the tenant's requests and their
4xx are counted per tenant already (platform_tenant_requests_total)."""

from prometheus_client import Counter

RATELIMIT_REJECTIONS = Counter("platform_ratelimit_rejections_total",
                               "API requests refused with 429 by the limit that decided.", ["scope"])
