"""Rate-limiter overhead per API request: the limiter call alone (one Redis round trip),
and GET /api/v1/me/ with and without the throttle and header middleware, measured in
alternating rounds so that machine load affects both alike (medians).

    .venv/bin/python tests/perf/ratelimit.py
"""

import json

from _setup import median_ms, perf_database, timed

with perf_database():
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from rest_framework.views import APIView

    from apps.accounts.models import User
    from apps.ratelimit.limiter import hit
    from apps.ratelimit.throttling import PlanRateThrottle
    from tests.plugin import create_provisioned

    tenant = create_provisioned(slug="perf-rl", name="Perf", business_type="academy", owner_email="o@perf-rl.test")
    connection.set_schema_to_public()
    owner = User.objects.get(email="o@perf-rl.test")
    owner.set_password("perf-pass-123")
    owner.save()
    with override_settings(RATELIMIT_USER_PER_MINUTE=10**9, RATELIMIT_ANON_PER_MINUTE=10**9):
        limited = Client(HTTP_HOST="perf-rl.localhost")
        access = limited.post("/api/v1/auth/token/", {"email": owner.email, "password": "perf-pass-123"},
                              content_type="application/json").json()["access"]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {access}"}
        with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if "ratelimit" not in m]):
            plain = Client(HTTP_HOST="perf-rl.localhost")
            plain.get("/api/v1/me/", **auth)  # loads its middleware chain without the header middleware
        limiter = timed(lambda: hit(tenant=tenant, user=owner), 3000)
        with_limiter, without = [], []
        for _round in range(6):
            APIView.throttle_classes = [PlanRateThrottle]
            with_limiter += timed(lambda: limited.get("/api/v1/me/", **auth), 150)
            APIView.throttle_classes = []
            without += timed(lambda: plain.get("/api/v1/me/", **auth), 150)
    print(json.dumps({
        "limiter_call_median_ms": median_ms(limiter),
        "me_with_limiter_median_ms": median_ms(with_limiter),
        "me_without_limiter_median_ms": median_ms(without),
        "overhead_per_request_ms": round(median_ms(with_limiter) - median_ms(without), 2),
    }, indent=2))
