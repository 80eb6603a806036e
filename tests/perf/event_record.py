"""What recording a domain event adds to the transaction that records it
(apps.events.services.event_record: one INSERT into the workspace's outbox, the dispatch
task sent after commit): a transaction that adds a customer tag, against the same
transaction also recording an event, alternating, in one run. The dispatch task that
follows the commit is left out (replaced by a no-op here): the figure is what the
caller's transaction pays.

    .venv/bin/python tests/perf/event_record.py
"""

import json

from _setup import median_ms, perf_database, timed

REPEAT = 400

with perf_database():
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from apps.events.subscribers import _subscribers
    from tests.plugin import create_provisioned

    settings.EVENTS_VALIDATE_PAYLOADS = False  # as in production
    _subscribers.clear()
    tenant = create_provisioned(slug="perf-events", name="Perf Events", business_type="retail",
                                owner_email="owner@perf-events.test")
    with schema_context(tenant.schema_name):
        from apps.crm.models import Tag
        from apps.events import services
        from apps.events.services import event_record

        services._dispatch_later = lambda schema_name, event_id: None

        counter = iter(range(10**9))

        def without_event():
            with transaction.atomic():
                Tag.objects.create(name=f"tag-{next(counter)}")
                transaction.on_commit(lambda: None)

        def with_event():
            with transaction.atomic():
                tag = Tag.objects.create(name=f"tag-{next(counter)}")
                event_record("customer.created", {"customer": {"id": tag.pk, "name": tag.name}, "source": "staff"})

        without_event(), with_event()
        with CaptureQueriesContext(connection) as plain:
            without_event()
        with CaptureQueriesContext(connection) as recorded:
            with_event()
        samples = {"without_event": [], "with_event": []}
        for _ in range(5):
            samples["without_event"] += timed(without_event, REPEAT // 5)
            samples["with_event"] += timed(with_event, REPEAT // 5)
        base, cost = median_ms(samples["without_event"]), median_ms(samples["with_event"])
        print(json.dumps({"transaction_ms_p50": base, "with_event_ms_p50": cost,
                          "added_ms": round(cost - base, 3), "ratio": round(cost / base, 2),
                          "queries": {"without_event": len(plain), "with_event": len(recorded)}}, indent=2))
