"""Routing cost per request: the tenant routing middleware alone (host -> tenant, schema,
URLconf) in the steady state, and right after the tenant changed (a cache miss):
database queries, Redis round trips and median microseconds per request.

    .venv/bin/python tests/perf/routing_cache.py
"""

import json
import statistics
import time

from _setup import perf_database

with perf_database():
    import redis
    from django.db import connection, transaction
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from apps.tenants.middleware import TenantRoutingMiddleware
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create

    try:  # the tenant is provisioned in this process (no worker runs here)
        from tests.plugin import create_provisioned
    except ImportError:
        def create_provisioned(**kwargs):
            return tenant_create(**kwargs, in_process=True)

    tenant = create_provisioned(slug="perf-routing", name="Perf", business_type="academy",
                                owner_email="o@perf-routing.test")
    connection.set_schema_to_public()
    assert tenant.status == Tenant.Status.ACTIVE

    round_trips = [0]
    execute_command, pipeline_execute = redis.Redis.execute_command, redis.client.Pipeline.execute

    def counted_command(self, *args, **kwargs):
        round_trips[0] += 1
        return execute_command(self, *args, **kwargs)

    def counted_pipeline(self, *args, **kwargs):
        round_trips[0] += 1
        return pipeline_execute(self, *args, **kwargs)

    redis.Redis.execute_command, redis.client.Pipeline.execute = counted_command, counted_pipeline

    middleware = TenantRoutingMiddleware(lambda request: HttpResponse())
    factory = RequestFactory(HTTP_HOST="perf-routing.localhost")

    def route():
        response = middleware(factory.get("/api/v1/me/"))
        assert response.status_code == 200, response.content
        connection.set_schema_to_public()

    def invalidate():
        """What a committed change of the tenant does to the routing cache."""
        with transaction.atomic():
            Tenant.objects.get(pk=tenant.pk).save(update_fields=["name"])

    def measure(repeat, before=None):
        samples, queries, trips = [], 0, 0
        for _ in range(repeat):
            if before:
                before()
            trips_before = round_trips[0]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                route()
                samples.append(time.perf_counter() - started)
            queries += len(captured)
            trips += round_trips[0] - trips_before
        return {"queries_per_request": queries / repeat, "redis_round_trips_per_request": trips / repeat,
                "median_us": round(statistics.median(samples) * 1e6, 1)}

    route()  # warm the cache and the code paths
    steady = [measure(1000) for _round in range(3)]
    miss = measure(200, before=invalidate)
    print(json.dumps({
        "steady_state": min(steady, key=lambda m: m["median_us"]),
        "after_a_change": miss,
    }, indent=2))
