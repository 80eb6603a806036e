"""Bulk paths at two sizes side by side (10,000 and 100,000 rows by default): the audit
log's CSV export (ops portal), the customers' CSV export (tenant API) and the audit log's
list page, unfiltered (estimated count) and filtered by an action (exact count).

The rows go in by INSERT ... SELECT generate_series (customers with a tag and a guardian
each; audit events over 20 actions, 50 e-mails and 20 tenants), the small size first, then
topped up to the large one, ANALYZE after each. Requests go through Django's test client in
this process, so that its memory is the server's:

- first byte: from the request until the first chunk of the body (a page's whole body);
- total: until the last byte; rows and bytes received are checked against the table;
- peak Python memory (tracemalloc, a separate request: tracing slows it down) and the
  peak RSS above the RSS before the request (VmHWM, reset through /proc/self/clear_refs);
- queries (one more request, captured, without SET search_path; a server-side cursor's
  fetches are not queries).

Memory is flat when the large size's peaks are close to the small one's (ratio ~1), while
the total time grows with the rows. Medians of REPEAT requests (default 3).

    PERF_DB=perf_bulk .venv/bin/python tests/perf/bulk_streams.py [--sizes 10000,100000] [--repeat 3]
    (or BULK_SIZES=1000,10000 for a quick check)
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import time
import tracemalloc

import _setup
from _setup import perf_database

parser = argparse.ArgumentParser()
parser.add_argument("--sizes", default=os.environ.get("BULK_SIZES", "10000,100000"),
                    help="row counts, ascending, comma-separated")
parser.add_argument("--repeat", type=int, default=int(os.environ.get("REPEAT", "3")))
options = parser.parse_args()
SIZES = sorted(int(size) for size in options.sizes.split(","))
if "PERF_DB" not in os.environ:  # not the shared perf_platform: other scripts may be running
    _setup.PERF_DB = "perf_bulk_streams"

SLUG = "perfbulk"
ACTIONS, EMAILS, TENANT_SLUGS = 20, 50, 20


def _status_kb(key: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def _reset_peak_rss() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # VmHWM := VmRSS
        return True
    except OSError:
        return False


with perf_database():
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    from apps.accounts.hq import SECURITY_OFFICER
    from apps.accounts.models import User
    from apps.audit import exports as audit_exports
    from apps.audit.models import AuditChain, AuditEvent
    from apps.crm import selectors as customer_selectors
    from tests.admin_pages import portal_user
    from tests.plugin import PASSWORD, create_provisioned
    from tests.workspace import api

    owner_email = f"owner@{SLUG}.test"
    create_provisioned(slug=SLUG, name="Perf Bulk", business_type="academy", owner_email=owner_email)
    owner = User.objects.get(email=owner_email)
    owner.set_password(PASSWORD)
    owner.save()
    assert Group.objects.filter(name=SECURITY_OFFICER).exists()
    hq, _hq_user = portal_user(SECURITY_OFFICER, "perf-security@platform.test")  # reads and exports the log
    owner_api = api(SLUG, owner_email)
    chain = AuditChain.objects.create(tenant_id=999_999, tenant_slug="perf-chain")  # no such tenant: no constraint

    def insert_events(start: int, stop: int) -> None:
        """Events start+1..stop (their seq in one chain; hashes unique, not a valid chain)."""
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO audit_auditevent (created_at, category, action, actor_email, tenant_slug, target_type,
                    target_id, target_repr, changes, metadata, ip, user_agent, request_id, chain_id, seq, prev_hash,
                    hash)
                SELECT now() - make_interval(secs => %(stop)s - g), CASE WHEN g %% 7 = 0 THEN 'security'
                       ELSE 'operation' END, 'perf.action_' || (g %% %(actions)s),
                       'person' || (g %% %(emails)s) || '@perf.test', 'perf-tenant-' || (g %% %(slugs)s),
                       'crm.customer', g::text, 'Customer ' || g,
                       jsonb_build_object('name', jsonb_build_array('Kim ' || g, 'Lee ' || g)),
                       jsonb_build_object('n', g, 'note', repeat('x', 40)), '10.0.0.1'::inet,
                       'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124 Safari/537',
                       md5('r' || g), %(chain)s, g, md5('p' || g) || md5('q' || g), md5('h' || g) || md5('i' || g)
                FROM generate_series(%(start)s + 1, %(stop)s) AS g
            """, {"start": start, "stop": stop, "actions": ACTIONS, "emails": EMAILS, "slugs": TENANT_SLUGS,
                  "chain": chain.pk})
            cursor.execute("ANALYZE audit_auditevent")

    def insert_customers(start: int, stop: int) -> None:
        """Customers start+1..stop, each with the tag and a guardian."""
        with schema_context(SLUG), connection.cursor() as cursor:
            cursor.execute("INSERT INTO crm_tag (name, color) SELECT 'perf', '' "
                           "WHERE NOT EXISTS (SELECT 1 FROM crm_tag WHERE name = 'perf')")
            cursor.execute("""
                INSERT INTO crm_customer (name, phone, email, birth_date, marketing_consent, notes, created_at,
                    updated_at)
                SELECT 'Customer ' || lpad(g::text, 7, '0'), '+8210' || lpad((10000000 + g)::text, 8, '0'),
                       'c' || g || '@perf.test', date '2012-01-01' + (g %% 3000), g %% 2 = 0,
                       CASE WHEN g %% 10 = 0 THEN '=SUM(A1)' ELSE 'Prefers evenings' END, now(), now()
                FROM generate_series(%(start)s + 1, %(stop)s) AS g
            """, {"start": start, "stop": stop})
            cursor.execute("""
                INSERT INTO crm_customer_tags (customer_id, tag_id)
                SELECT c.id, t.id FROM crm_customer c, crm_tag t
                WHERE t.name = 'perf' AND c.email LIKE 'c%@perf.test'
                  AND c.id NOT IN (SELECT customer_id FROM crm_customer_tags)
            """)
            cursor.execute("""
                INSERT INTO crm_guardiancontact (customer_id, name, relation, phone, email)
                SELECT c.id, 'Parent of ' || c.name, 'mother', '+8210' || lpad((20000000 + c.id)::text, 8, '0'), ''
                FROM crm_customer c WHERE NOT EXISTS (SELECT 1 FROM crm_guardiancontact g WHERE g.customer_id = c.id)
            """)
            for table in ("crm_customer", "crm_customer_tags", "crm_guardiancontact"):
                cursor.execute(f"ANALYZE {table}")
        connection.set_schema_to_public()

    def fetch(client, path: str, params=None) -> dict:
        """One request, read to the end: first byte, total, bytes, lines, peak RSS delta."""
        gc.collect()
        rss_before = _status_kb("VmRSS")
        reset = _reset_peak_rss()
        started = time.perf_counter()
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, response.status_code, getattr(response, "content", b"")[:300])
        if response.streaming:
            chunks = iter(response.streaming_content)
            first = next(chunks)
            first_byte = time.perf_counter() - started
            size, lines = len(first), first.count(b"\n")
            for chunk in chunks:
                size += len(chunk)
                lines += chunk.count(b"\n")
        else:
            first_byte = time.perf_counter() - started
            size, lines = len(response.content), 0
        total = time.perf_counter() - started
        response.close()
        peak_rss = (_status_kb("VmHWM") - rss_before) if reset else None
        return {"first_byte_ms": first_byte * 1000, "total_ms": total * 1000, "bytes": size, "lines": lines,
                "peak_rss_delta_kb": peak_rss}

    def traced_peak_kb(client, path: str, params=None) -> float:
        gc.collect()
        tracemalloc.start()
        try:
            response = client.get(path, params or {})
            for _chunk in (response.streaming_content if response.streaming else [response.content]):
                pass
            response.close()
            return tracemalloc.get_traced_memory()[1] / 1024
        finally:
            tracemalloc.stop()

    statements: dict[tuple, list[str]] = {}  # (path, size) -> the SQL, to show what differs

    def queries(client, path: str, params=None) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params or {})
            for _chunk in (response.streaming_content if response.streaming else [response.content]):
                pass
            response.close()
        # not the SET search_path a connection issues when the previous request was on another host
        sql = [query["sql"][:160] for query in captured if not query["sql"].startswith("SET search_path")]
        statements[(path, inserted)] = sql
        return len(sql)

    def measure(client, path: str, params=None, *, expect_lines: int | None = None) -> dict:
        warm = fetch(client, path, params)  # caches, first-use imports; its RSS growth counts in the peak
        runs = [fetch(client, path, params) for _ in range(options.repeat)]
        if expect_lines is not None:
            assert all(run["lines"] == expect_lines for run in runs), (path, expect_lines, runs[0]["lines"])
        rss = [run["peak_rss_delta_kb"] for run in [warm, *runs] if run["peak_rss_delta_kb"] is not None]
        return {"first_byte_ms": round(statistics.median(r["first_byte_ms"] for r in runs), 1),
                "total_ms": round(statistics.median(r["total_ms"] for r in runs), 1),
                "bytes": runs[0]["bytes"], "lines": runs[0]["lines"],
                "tracemalloc_peak_kb": round(traced_peak_kb(client, path, params)),
                "peak_rss_delta_kb": max(rss) if rss else None, "queries": queries(client, path, params)}

    results: dict[str, dict[int, dict]] = {"audit_export": {}, "customers_export": {}, "audit_list": {},
                                           "audit_list_filtered": {}}
    inserted = 0
    for size in SIZES:
        insert_events(inserted, size)
        insert_customers(inserted, size)
        inserted = size
        events = AuditEvent.objects.count()  # ours, plus the few the set-up and the exports themselves wrote
        results["audit_export"][size] = measure(hq, "/admin/audit/auditevent/export.csv")
        assert abs(results["audit_export"][size]["lines"] - 1 - events) <= options.repeat + 2, events
        results["customers_export"][size] = measure(owner_api, "/api/v1/customers/export/", expect_lines=size + 1)
        results["audit_list"][size] = measure(hq, "/admin/audit/auditevent/")
        results["audit_list_filtered"][size] = measure(hq, "/admin/audit/auditevent/", {"action": "perf.action_3"})

    small, large = SIZES[0], SIZES[-1]
    print(json.dumps({"sizes": SIZES, "repeat": options.repeat, **{
        name: {str(size): figures for size, figures in by_size.items()} for name, by_size in results.items()}},
        indent=2))

    def ratio(a, b):
        return "-" if not a or b is None else f"{b / a:.2f}"

    metrics = [("first byte ms", "first_byte_ms"), ("total ms", "total_ms"), ("tracemalloc peak KB",
               "tracemalloc_peak_kb"), ("peak RSS delta KB", "peak_rss_delta_kb"), ("queries", "queries")]
    print(f"\n{'path':<22}{'metric':<22}" + "".join(f"{size:>12}" for size in SIZES) + f"{'x':>8}")
    for name, by_size in results.items():
        for label, key in metrics:
            cells = [by_size[size][key] for size in SIZES]
            print(f"{name:<22}{label:<22}" + "".join(f"{'-' if c is None else c:>12}" for c in cells)
                  + f"{ratio(cells[0], cells[-1]):>8}")
    print(f"\nx: {large:,} rows against {small:,}. Memory is flat when its x stays near 1 once the rows outnumber "
          f"one chunk (audit {audit_exports.EXPORT_CHUNK:,}, customers {customer_selectors.EXPORT_CHUNK:,}).")

    # no query per row: the audit export's queries are the same at any size; the customers'
    # grow by two a chunk (tags, guardians), never by row
    audit = "/admin/audit/auditevent/export.csv"
    assert results["audit_export"][small]["queries"] == results["audit_export"][large]["queries"], \
        set(statements[(audit, large)]) ^ set(statements[(audit, small)])
    for size in SIZES:
        chunks = -(-size // customer_selectors.EXPORT_CHUNK)
        assert results["customers_export"][size]["queries"] <= results["customers_export"][small]["queries"] + \
            2 * chunks, results["customers_export"]
