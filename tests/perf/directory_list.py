"""The public directory (GET /api/v1/directory/ on the platform host): queries per request
and median latency with 10 and with 1,000 listed tenants, ordered by orders in the last
30 days (a sum over the daily counts, in the same query) and by rating. The listing is a
public table kept by the tenants' services, so the number of queries must not depend on
the number of tenants; no tenant schema is read.

Tenant rows are made without schemas (a listing reads none), each with 30 days of order
counts.

    .venv/bin/python tests/perf/directory_list.py
"""

import datetime as dt
import json
import os
import random

from _setup import median_ms, perf_database, timed

with perf_database():
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.directory.models import Listing, ListingDailyOrders
    from apps.tenants.models import Tenant

    SIZES, REPEAT, DAYS = tuple(int(n) for n in os.environ.get("SIZES", "10,1000").split(",")), 30, 30
    random.seed(7)
    cache.delete_pattern("*")

    def listed(count: int, prefix: str) -> None:
        tenants = [Tenant(schema_name=f"{prefix}_{n}", slug=f"{prefix}-{n}", name=f"Shop {prefix} {n}",
                          business_type=random.choice(["academy", "food"]), status="active") for n in range(count)]
        Tenant.objects.bulk_create(tenants)  # bulk_create saves no schema
        tenants = list(Tenant.objects.filter(slug__startswith=f"{prefix}-"))
        listings = Listing.objects.bulk_create(
            Listing(tenant=tenant, is_listed=True, slug=tenant.slug, name=tenant.name,
                    business_type=tenant.business_type, headline="Fresh every day", city="서울",
                    rating_avg=round(random.uniform(3, 5), 2), rating_count=random.randint(1, 200))
            for tenant in tenants)
        today = timezone.localdate()
        ListingDailyOrders.objects.bulk_create(
            ListingDailyOrders(listing=listing, day=today - dt.timedelta(days=day), count=random.randint(0, 40))
            for listing in listings for day in range(DAYS))

    client = Client(HTTP_HOST="localhost")
    results = {}
    for size in SIZES:
        Listing.objects.all().delete()
        Tenant.objects.exclude(schema_name="public").delete()
        listed(size, f"p{size}")
        for ordering in ("-orders", "-rating"):
            path = f"/api/v1/directory/?ordering={ordering}&page_size=20"
            assert client.get(path).status_code == 200
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, response.content[:300]
            if os.environ.get("SHOW_SQL"):
                print([query["sql"][:120] for query in queries.captured_queries], response.get("X-RateLimit-Limit"))
            query_count = len(queries)  # before the next requests reset the connection's query log
            rows = response.json()["results"]
            assert len(rows) == min(size, 20), len(rows)
            latency = timed(lambda path=path: client.get(path), REPEAT)
            results[f"{size}_tenants_{ordering}"] = {"queries": query_count, "median_ms": median_ms(latency)}
    assert len({entry["queries"] for entry in results.values()}) == 1, results
    print(json.dumps({"repeat": REPEAT, "days_of_counts": DAYS, **results}, indent=2))
