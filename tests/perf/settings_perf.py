"""Settings for the HTTP benchmarks (tests/perf/_http.py): the test settings (real
PostgreSQL and Redis, DEBUG off) served by gunicorn, with a perf-only URLconf that adds a
trivial view, any *.localhost host, and rate limits lifted so that no 429 distorts a figure
(the limiter still counts every request: its cost is part of what is measured).

`settings_perf_no_tenant` is the same without the tenant routing middleware."""

from platform_.settings.test import *  # noqa: F401,F403
from platform_.settings.test import MIDDLEWARE

DEBUG = False
ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1"]
ROOT_URLCONF = "tests.perf.urls_perf"
PUBLIC_SCHEMA_URLCONF = "tests.perf.urls_perf_public"
RATELIMIT_USER_PER_MINUTE = RATELIMIT_API_KEY_PER_MINUTE = RATELIMIT_ANON_PER_MINUTE = 10**9
MIDDLEWARE = list(MIDDLEWARE)
TENANT_ROUTING_LOCAL_SECONDS = 2.0  # production's default (the test settings turn it off)
