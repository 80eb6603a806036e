"""docker/grafana/platform-dashboard.json: valid JSON that Grafana imports, and every metric
its queries read is one the platform exposes: each name is looked up in a real scrape of
/metrics (this process's registry: every family it defines, with or without samples yet;
the worker's task metrics are the same definitions, apps/core/metrics/definitions.py)."""

from __future__ import annotations

import json
import re

from prometheus_client.parser import text_string_to_metric_families

from tests.plugin import ROOT, client_for

DASHBOARD = ROOT / "docker" / "grafana" / "platform-dashboard.json"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count", ""),
            "gauge": ("",), "unknown": ("",), "info": ("_info",)}
# what a PromQL expression names besides metrics: aggregations, functions, keywords
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
                "offset", "le"}


def exprs(panels) -> list[str]:
    found = []
    for panel in panels:
        found += [target["expr"] for target in panel.get("targets", [])]
        found += exprs(panel.get("panels", []))
    return found


def metric_names(expr: str) -> set[str]:
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)  # label values
    text = re.sub(r"\{[^}]*\}", "", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)  # ranges
    text = re.sub(r"\b(?:by|without|on|ignoring)\s*\([^)]*\)", "", text)  # grouping labels
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        following = text[match.end():].lstrip()[:1]
        if following != "(" and match.group() not in PROMQL_WORDS:  # not a function or an aggregation
            names.add(match.group())
    return names


def exposed(text: str) -> set[str]:
    names = set()
    for family in text_string_to_metric_families(text):
        names |= {family.name + suffix for suffix in SUFFIXES[family.type]}
        names |= {sample.name for sample in family.samples}
    return names


def test_the_names_parser_reads_promql():
    assert metric_names('histogram_quantile(0.95, sum by (le, view) (rate(a_bucket{x="y(z)"}[5m])))') == {"a_bucket"}
    assert metric_names("topk(10, sum by (tenant) (increase(b_total[$__range]))) / max(c)") == {"b_total", "c"}


def test_every_metric_the_dashboard_reads_is_exposed(db):
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["title"] and dashboard["uid"] and dashboard["panels"]
    queries = exprs(dashboard["panels"])
    assert len(queries) >= 15
    used = set().union(*(metric_names(expr) for expr in queries))
    # the groups the issue asks for are all on the dashboard
    for needed in ("django_http_requests_latency_seconds_by_view_method_bucket", "platform_tenant_requests_total",
                   "platform_celery_tasks_total", "platform_celery_task_duration_seconds_bucket",
                   "platform_webhook_delivery_attempts_total", "platform_notification_deliveries_total",
                   "platform_ratelimit_rejections_total", "platform_db_connections"):
        assert needed in used
    response = client_for(None).get("/metrics")
    assert response.status_code == 200
    missing = used - exposed(response.content.decode())
    assert not missing, f"the dashboard reads metrics nothing exposes: {sorted(missing)}"
