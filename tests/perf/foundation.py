"""Tenant provisioning time (median of 10), and the cost of a tenant API request:
queries per request and median latency, with routing cached: GET /api/v1/me/ with a JWT,
and a request that needs nothing but routing (POST /api/v1/auth/token/verify/, anonymous:
no user, no database). Rate limits are lifted for the timed calls and every response must be
200 (a 429 measured as latency was the old figure's flaw).

    PERF_DB=perf_foundation .venv/bin/python tests/perf/foundation.py
    # small: PERF_TENANTS=2 (default 10 provisioned)
"""

import json
import os
import statistics
import time

from _setup import median_ms, perf_database, timed

with perf_database():
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import User
    from tests.plugin import create_provisioned

    cache.delete_pattern("tenants:*")
    provisioning = []
    for n in range(int(os.environ.get("PERF_TENANTS", 10))):
        started = time.perf_counter()
        create_provisioned(slug=f"perf-{n}", name=f"Perf {n}", business_type="academy",
                      owner_email=f"owner@perf-{n}.test")
        provisioning.append(time.perf_counter() - started)
        connection.set_schema_to_public()

    # The per-address and per-user limits are lifted for every call: a previous run within
    # the same minute has used the window up (its counters are in Redis).
    override_settings(RATELIMIT_USER_PER_MINUTE=10**9, RATELIMIT_ANON_PER_MINUTE=10**9).enable()
    owner = User.objects.get(email="owner@perf-0.test")
    owner.set_password("perf-pass-123")
    owner.save()
    client = Client(HTTP_HOST="perf-0.localhost")
    access = client.post("/api/v1/auth/token/", {"email": owner.email, "password": "perf-pass-123"},
                         content_type="application/json").json()["access"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {access}"}
    client.get("/api/v1/me/", **auth)
    with CaptureQueriesContext(connection) as me_queries:
        me = client.get("/api/v1/me/", **auth)
    assert me.status_code == 200, me.content
    me_query_count = len(me_queries)  # read now: the log is reset by the next request
    verify = {"path": "/api/v1/auth/token/verify/", "data": {"token": access}, "content_type": "application/json"}
    with CaptureQueriesContext(connection) as routing_queries:
        assert client.post(**verify).status_code == 200
    routing_query_count = len(routing_queries)

    def ok(response):
        if response.status_code != 200:
            raise SystemExit(f"{response.status_code} instead of 200: {response.content[:300]!r}")

    # 300 calls each: past the per-user (300/min) and anonymous (120/min) limits, lifted above
    me_latency = timed(lambda: ok(client.get("/api/v1/me/", **auth)), 300)
    verify_latency = timed(lambda: ok(client.post(**verify)), 300)

    print(json.dumps({
        "provisioning_seconds": {"median": round(statistics.median(provisioning), 3),
                                 "min": round(min(provisioning), 3), "max": round(max(provisioning), 3)},
        "me_request": {"queries": me_query_count, "median_ms": median_ms(me_latency)},
        "routing_only_request": {"queries": routing_query_count, "median_ms": median_ms(verify_latency)},
    }, indent=2))
