"""Audited writes from 8 concurrent connections (threads, each its own database
connection): throughput when the writes are in 8 different tenants and when they are
all in one tenant, with one chain per tenant (now) and with the old single chain
(before: emulated by taking the global advisory lock the old `audit_record` took, held
to commit, in front of each append). Each transaction appends one event and then holds
the transaction open for a few milliseconds, as a service does with the rest of its work.

Medians of 3 rounds; ratios against the old single chain with 8 tenants, and scaling
against one connection alone (the best 8 connections can do is 8x).

    .venv/bin/python tests/perf/audit_chains.py [--hold-ms 5] [--writes 40]
"""

import argparse
import json
import os
import statistics
import threading
import time

import _setup
from _setup import perf_database

CONNECTIONS = 8
ROUNDS = 3
OLD_GLOBAL_LOCK = 7_310_001  # the key the old audit_record passed to pg_advisory_xact_lock

parser = argparse.ArgumentParser()
parser.add_argument("--hold-ms", type=float, default=5.0, help="how long each transaction stays open after its append")
parser.add_argument("--writes", type=int, default=40, help="transactions per connection and round")
options = parser.parse_args()
if "PERF_DB" not in os.environ:  # not the shared perf_platform: other scripts may be running
    _setup.PERF_DB = "perf_audit_chains"

with perf_database():
    from django.db import connection, transaction

    from apps.audit.services import audit_record, audit_verify
    from apps.tenants.models import Tenant
    from apps.tenants.services import tenant_create

    tenants = [tenant_create(slug=f"perf-audit-{n}", name=f"Perf audit {n}", business_type="academy",
                             owner_email=f"owner@perf-audit-{n}.test", provision=False).pk
               for n in range(CONNECTIONS)]
    connection.close()  # the workers open their own

    def worker(tenant_id: int, old_global_lock: bool, start: threading.Barrier, latencies: list, errors: list):
        try:
            tenant = Tenant.objects.get(pk=tenant_id)
            start.wait()
            for n in range(options.writes):
                started = time.perf_counter()
                with transaction.atomic():
                    if old_global_lock:
                        with connection.cursor() as cursor:
                            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [OLD_GLOBAL_LOCK])
                    audit_record(action="perf.audited_write", tenant=tenant, metadata={"n": n})
                    time.sleep(options.hold_ms / 1000)  # the rest of the service's work
                latencies.append(time.perf_counter() - started)
        except Exception as exc:  # reported below
            errors.append(exc)
            start.abort()
        finally:
            connection.close()

    def run(tenant_ids: list[int], *, old_global_lock: bool) -> tuple[float, float]:
        """(writes per second, median transaction ms) of one round."""
        latencies, errors = [], []
        start = threading.Barrier(len(tenant_ids) + 1)
        threads = [threading.Thread(target=worker, args=(tenant_id, old_global_lock, start, latencies, errors))
                   for tenant_id in tenant_ids]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        if errors:
            raise errors[0]
        return len(latencies) / elapsed, statistics.median(latencies) * 1000

    variants = {
        "one_connection_alone": (tenants[:1], False),
        "before_single_chain_8_tenants": (tenants, True),
        "before_single_chain_1_tenant": (tenants[:1] * CONNECTIONS, True),
        "per_tenant_chains_8_tenants": (tenants, False),
        "per_tenant_chains_1_tenant": (tenants[:1] * CONNECTIONS, False),
    }
    run(tenants, old_global_lock=False)  # warm up: connections, chains, caches
    samples = {name: [] for name in variants}
    for _round in range(ROUNDS):
        for name, (tenant_ids, old_global_lock) in variants.items():
            samples[name].append(run(tenant_ids, old_global_lock=old_global_lock))

    def median(name, index):
        return statistics.median(sample[index] for sample in samples[name])

    baseline = median("before_single_chain_8_tenants", 0)
    alone = median("one_connection_alone", 0)
    results = {
        name: {"writes_per_s": round(median(name, 0), 1), "median_transaction_ms": round(median(name, 1), 2),
               "x_before_8_tenants": round(median(name, 0) / baseline, 2),
               "x_one_connection": round(median(name, 0) / alone, 2)}
        for name in variants
    }
    count, problems = audit_verify()
    print(json.dumps({
        "connections": CONNECTIONS, "writes_per_connection": options.writes, "hold_ms": options.hold_ms,
        "rounds": ROUNDS, "results": results,
        "verify_audit_log": {"events": count, "problems": len(problems)},
    }, indent=2))
    print(f"\n{'variant':<32}{'writes/s':>10}{'median ms':>11}{'x before':>10}{'x alone':>9}")
    for name, row in results.items():
        print(f"{name:<32}{row['writes_per_s']:>10}{row['median_transaction_ms']:>11}"
              f"{row['x_before_8_tenants']:>10}{row['x_one_connection']:>9}")
