"""Feature-flag evaluation cost in the steady state: queries and microseconds per
`flag_enabled` check (median), and per `flags_for` (every flag, as GET /api/v1/flags/).

    .venv/bin/python tests/perf/flags.py
"""

import json
import statistics
import time

from _setup import perf_database

with perf_database():
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.flags.cache import VERSION_KEY
    from apps.flags.evaluation import flag_enabled, flags_for
    from apps.flags.models import Flag, FlagRule
    from tests.plugin import create_provisioned

    cache.delete(VERSION_KEY)
    tenant = create_provisioned(slug="perf-flags", name="Perf", business_type="academy",
                                owner_email="o@perf-flags.test")
    connection.set_schema_to_public()
    for n in range(30):
        flag = Flag.objects.create(key=f"flag-{n}", description="perf")
        FlagRule.objects.create(flag=flag, position=0, kind="tenant", values="other-a, other-b")
        FlagRule.objects.create(flag=flag, position=1, kind="business_type", values="food")
        FlagRule.objects.create(flag=flag, position=2, kind="percentage", percentage=40)
    cache.delete(VERSION_KEY)
    flag_enabled("flag-7", tenant=tenant)  # build the snapshot once

    def sample(fn, repeat):
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - started)
        return samples

    with CaptureQueriesContext(connection) as queries:
        single = sample(lambda: flag_enabled("flag-7", tenant=tenant), 5000)
        everything = sample(lambda: flags_for(tenant=tenant), 1000)
    print(json.dumps({
        "flags": 30,
        "queries_per_check": len(queries) / 6000,
        "flag_enabled_median_us": round(statistics.median(single) * 1e6, 1),
        "flags_for_30_flags_median_us": round(statistics.median(everything) * 1e6, 1),
    }, indent=2))
