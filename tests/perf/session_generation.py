"""Cost of generating sessions from the classes' weekly schedules
(apps.academy.services.sessions_generate, the daily beat work of one workspace): 1,000
classes meeting three days a week, a 4-week horizon (12,000 sessions), in branches of
two time zones with a holiday in the window. Median of 3 runs from empty, and of 3
re-runs with everything in place (the steady state: nothing to insert).

    .venv/bin/python tests/perf/session_generation.py
"""

import datetime as dt
import json
import statistics

from _setup import perf_database, timed

CLASSES = 1000
WEEKS = 4
REPEAT = 3

with perf_database():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from apps.accounts.models import User
    from tests.plugin import create_provisioned

    tenant = create_provisioned(slug="perf-academy", name="Perf Academy", business_type="academy",
                                owner_email="owner@perf-academy.test")
    teacher = User.objects.get(email="owner@perf-academy.test")  # staff with a profile since provisioning
    with schema_context(tenant.schema_name):
        from apps.academy.models import Class, Holiday, Session
        from apps.academy.services import sessions_generate
        from apps.branches.models import Branch
        from apps.catalog.models import Item

        today = dt.date(2027, 3, 1)
        branches = [Branch.objects.create(name="Seoul campus", timezone="Asia/Seoul"),
                    Branch.objects.create(name="New York campus", timezone="America/New_York")]
        course = Item.objects.create(kind="course", name="Math", price=200000, vat_rate=0)
        Holiday.objects.create(date=today + dt.timedelta(days=10), name="Spring break")
        # set-up only: rows straight in (class_create checks rooms one class at a time)
        Class.objects.bulk_create([
            Class(course=course, name=f"Class {n}", teacher=teacher, branch=branches[n % 2], room=f"R{n}",
                  capacity=12, weekdays=sorted({n % 7, (n + 2) % 7, (n + 4) % 7}),
                  start_time=dt.time(14 + n % 6, 30 * (n % 2)), duration_minutes=50, starts_on=today)
            for n in range(CLASSES)])

        def from_empty():
            Session.objects.all().delete()
            return sessions_generate(horizon_days=WEEKS * 7, today=today)

        made = from_empty()
        rows = Session.objects.count()
        Session.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            sessions_generate(horizon_days=WEEKS * 7, today=today)
        first_queries = len(queries)
        samples = []
        for _ in range(REPEAT):
            Session.objects.all().delete()
            samples += timed(lambda: sessions_generate(horizon_days=WEEKS * 7, today=today), 1)
        with CaptureQueriesContext(connection) as queries:
            again = sessions_generate(horizon_days=WEEKS * 7, today=today)
        rerun = timed(lambda: sessions_generate(horizon_days=WEEKS * 7, today=today), REPEAT)

    print(json.dumps({
        "classes": CLASSES, "weeks": WEEKS, "sessions_made": made, "rows": rows,
        "from_empty": {"seconds_median": round(statistics.median(samples), 3), "queries": first_queries},
        "rerun": {"seconds_median": round(statistics.median(rerun), 3), "queries": len(queries), "made": again},
        "repeat": REPEAT}, indent=2))
