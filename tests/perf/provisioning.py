"""Provisioning a tenant (apps.tenants.services.tenant_provision, every step: schema,
owner, roles, industry template, subscription, webhook secret, notification templates):
a new schema copied from the migrated template against the same provisioning with the
schema migrated from scratch (TENANT_SCHEMA_FROM_TEMPLATE off, django-tenants' way), in
the same run, alternating; then ten provisionings at once (threads) by copy. Medians and
the ratio; the template's own build is reported apart (once per set of migrations).

    .venv/bin/python tests/perf/provisioning.py
"""

import json
import statistics
import threading
import time

from _setup import perf_database

ROUNDS = 5

with perf_database():
    from django.conf import settings
    from django.db import connections

    from apps.tenants.schema_template import template_ensure
    from tests.plugin import create_provisioned

    started = time.perf_counter()
    template_ensure()
    template_build_s = time.perf_counter() - started

    def provision(slug: str) -> float:
        started = time.perf_counter()
        tenant = create_provisioned(slug=slug, name=slug, business_type="academy", owner_email=f"owner@{slug}.test")
        assert tenant.status == "active", tenant.provisioning_error
        return time.perf_counter() - started

    copied, migrated = [], []
    for n in range(ROUNDS):
        settings.TENANT_SCHEMA_FROM_TEMPLATE = True
        copied.append(provision(f"perf-copy-{n}"))
        settings.TENANT_SCHEMA_FROM_TEMPLATE = False
        migrated.append(provision(f"perf-migrate-{n}"))
    settings.TENANT_SCHEMA_FROM_TEMPLATE = True

    at_once, errors = [], []

    def one(slug):
        try:
            at_once.append(provision(slug))
        except Exception as exc:  # reported
            errors.append(repr(exc))
        finally:
            connections.close_all()

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(f"perf-together-{n}",)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    together_s = time.perf_counter() - started
    print(json.dumps({
        "template_build_s": round(template_build_s, 2),
        "copied_median_s": round(statistics.median(copied), 3),
        "migrated_median_s": round(statistics.median(migrated), 3),
        "ratio_migrated_over_copied": round(statistics.median(migrated) / statistics.median(copied), 1),
        "ten_at_once_wall_s": round(together_s, 2), "ten_at_once_errors": errors,
        "ten_at_once_median_s": round(statistics.median(at_once), 3) if at_once else None,
    }, indent=2))
