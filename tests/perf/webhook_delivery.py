"""Outbound webhook deliveries per second: 2 worker processes run the delivery task's
work (apps.webhooks.delivery.delivery_attempt: claim the row, sign with
`standardwebhooks`, SSRF-check and pin the address, POST, log the attempt, update the
delivery) against a local receiver process, side by side with a baseline where the same
2 processes POST the same bodies unsigned and unlogged (one connection per request, as
the deliveries do). Rounds interleaved; medians and the ratio printed.

    .venv/bin/python tests/perf/webhook_delivery.py
"""

import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time

from _setup import ROOT, perf_database

WORKERS = 2
PER_ROUND = int(os.environ.get("PERF_WEBHOOKS", 2000))
ROUNDS = 3
TARGET = 300  # deliveries per second, signed and logged


def _receiver(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "webhook_receiver.py"), "--port", str(port),
                                "--count-only"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert b"listening" in process.stdout.readline()
    return process


def _deliver(schema: str, ids: list[int]) -> None:
    from django.db import connections
    from django_tenants.utils import schema_context

    from apps.webhooks.delivery import delivery_attempt

    connections.close_all()  # a connection of its own, not the parent's
    with schema_context(schema):
        for delivery_id in ids:
            attempt = delivery_attempt(delivery_id=delivery_id)
            assert attempt is not None and attempt.succeeded, attempt and (attempt.status_code, attempt.error)


def _baseline(url: str, bodies: list[bytes]) -> None:
    import urllib3

    for body in bodies:
        pool = urllib3.HTTPConnectionPool("127.0.0.1", int(url.split(":")[2].split("/")[0]), retries=False)
        response = pool.urlopen("POST", "/hook", body=body, headers={"content-type": "application/json"},
                                redirect=False, preload_content=False)
        response.read(2048)
        response.release_conn()
        pool.close()
        assert response.status == 204


def _run(target, args_per_worker) -> float:
    from django.db import connections

    connections.close_all()
    processes = [multiprocessing.Process(target=target, args=args) for args in args_per_worker]
    started = time.perf_counter()
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        assert process.exitcode == 0, "a worker failed"
    return time.perf_counter() - started


with perf_database():
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from tests.plugin import _free_port, create_provisioned

    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # the receiver listens on loopback
    multiprocessing.set_start_method("fork")
    tenant = create_provisioned(slug="perf-hooks", name="Perf Hooks", business_type="food",
                                owner_email="owner@perf-hooks.test")
    port = _free_port()
    receiver = _receiver(port)
    url = f"http://127.0.0.1:{port}/hook"
    try:
        with schema_context(tenant.schema_name):
            from apps.events.models import Event
            from apps.webhooks.delivery import payload
            from apps.webhooks.models import Delivery
            from apps.webhooks.services import endpoint_create

            endpoint, _secret = endpoint_create(url=url, actor=None)
            data = {"order": {"id": 1, "number": "A-0001", "status": "placed", "status_label": "Placed",
                              "total": {"amount": 23500, "currency": "KRW"}, "kind": "pickup"},
                    "customer": {"id": 1, "name": "Perf Customer"}}

            def new_round() -> tuple[list[int], list[bytes]]:
                now = timezone.now()
                events = Event.objects.bulk_create([Event(name="order.created", data=data, occurred_at=now)
                                                    for _ in range(PER_ROUND)])
                rows = Delivery.objects.bulk_create([Delivery(endpoint=endpoint, event=event, next_attempt_at=now)
                                                     for event in events])
                return [row.pk for row in rows], [payload(event).encode() for event in events]

        samples = {"signed_logged": [], "baseline_unsigned": []}
        for _round in range(ROUNDS):
            with schema_context(tenant.schema_name):
                ids, bodies = new_round()
            halves = [ids[n::WORKERS] for n in range(WORKERS)]
            seconds = _run(_deliver, [(tenant.schema_name, half) for half in halves])
            samples["signed_logged"].append(PER_ROUND / seconds)
            seconds = _run(_baseline, [(url, bodies[n::WORKERS]) for n in range(WORKERS)])
            samples["baseline_unsigned"].append(PER_ROUND / seconds)
        with schema_context(tenant.schema_name):
            from apps.webhooks.models import Attempt

            logged = Attempt.objects.filter(succeeded=True).count()
            delivered = Delivery.objects.filter(status="succeeded").count()
        connection.set_schema_to_public()
    finally:
        receiver.terminate()
        receiver.wait(5)

    signed = statistics.median(samples["signed_logged"])
    baseline = statistics.median(samples["baseline_unsigned"])
    print(json.dumps({
        "workers": WORKERS, "deliveries_per_round": PER_ROUND, "rounds": ROUNDS,
        "per_second": {name: [round(value) for value in values] for name, values in samples.items()},
        "median_per_second": {"signed_logged": round(signed), "baseline_unsigned": round(baseline)},
        "ratio_signed_to_baseline": round(signed / baseline, 3),
        "target_per_second": TARGET, "meets_target": signed >= TARGET,
        "attempts_logged": logged, "deliveries_succeeded": delivered,
    }, indent=2))
