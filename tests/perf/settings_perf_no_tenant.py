"""settings_perf without apps.tenants.middleware.TenantRoutingMiddleware: every request runs
in the public schema with ROOT_URLCONF (the baseline of the tenancy overhead)."""

from tests.perf.settings_perf import *  # noqa: F401,F403
from tests.perf.settings_perf import MIDDLEWARE

MIDDLEWARE = [name for name in MIDDLEWARE if name != "apps.tenants.middleware.TenantRoutingMiddleware"]
