"""/metrics: Prometheus' text format on every host, readable with the token or from an
allowed network only (the error shape otherwise), and correct under gunicorn with several
workers: a scrape adds up every worker's counts, whichever worker answers, the per-tenant
counters included; the database's connections read when scraped."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.plugin import (
    ROOT,
    _stop,
    _wait_for_port,
    artifact_log,
    client_for,
    host_for,
    obtain_tokens,
    subprocess_env,
)
from tests.private_services import free_port

OUTSIDE = "203.0.113.9"


def test_metrics_from_loopback_on_any_host(db):
    for slug in (None, "alpha"):
        response = client_for(slug).get("/metrics")
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("text/plain")
        assert b"django_http_requests_total_by_method_total" in response.content


def test_metrics_refused_elsewhere_without_the_token(db, settings):
    refused = client_for(None).get("/metrics", REMOTE_ADDR=OUTSIDE)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    settings.METRICS_TOKEN = "metrics-token-for-tests"
    missing = client_for(None).get("/metrics", REMOTE_ADDR=OUTSIDE)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "not_authenticated"
    assert missing["WWW-Authenticate"].startswith("Bearer")
    wrong = client_for(None).get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    right = client_for("alpha").get("/metrics", REMOTE_ADDR=OUTSIDE,
                                    HTTP_AUTHORIZATION="Bearer metrics-token-for-tests")
    assert right.status_code == 200 and b"django_http_responses_total_by_status" in right.content


def test_a_tenants_credentials_do_not_open_the_metrics(db):
    """Metrics are the operators': an owner's own token, on their own host, is refused."""
    token = obtain_tokens("alpha", "owner@alpha.test")["access"]
    refused = client_for("alpha").get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 403 and b"platform_tenant" not in refused.content
    # from an allowed network too: a scraper sends no Authorization header, or the metrics token
    assert client_for("alpha").get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403


def samples(text: str, name: str, **labels) -> float:
    """The sum of the samples called `name` whose labels include `labels`."""
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == name and labels.items() <= sample.labels.items())


def test_database_connections_are_read_when_scraped(db):
    text = client_for(None).get("/metrics").content.decode()
    assert samples(text, "platform_db_connections", state="active") >= 1  # the scrape's own query at least
    assert samples(text, "platform_db_connections_max") >= 1


def _per_process(directory, view: str) -> dict[str, float]:
    """health-ready requests counted by each process, from its own samples file."""
    counts = {}
    for path in sorted(directory.glob("counter_*.db")):
        families = MultiProcessCollector.merge([str(path)], accumulate=False)
        counts[path.stem.removeprefix("counter_")] = sum(
            sample.value for family in families for sample in family.samples
            if sample.name == "django_http_requests_total_by_view_transport_method_total"
            and sample.labels.get("view") == view)
    return counts


def test_a_scrape_adds_up_every_gunicorn_worker_and_counts_per_tenant(platform_seed, tmp_path):
    """Two workers: requests are sent eight at a time until each worker's own samples file
    shows it answered some (both did, not merely could have), then every scrape, whoever
    answers it, has the exact totals: by view, and by tenant and status class."""
    port = free_port()
    log = artifact_log("metrics-web")
    with log.open("w") as out:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "platform_.wsgi:application", "-c", "docker/gunicorn.conf.py",
             "-b", f"127.0.0.1:{port}", "-w", "2"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env=subprocess_env(PROMETHEUS_MULTIPROC_DIR=str(tmp_path), RATELIMIT_ANON_PER_MINUTE="100000"))
    base = f"http://127.0.0.1:{port}"
    # (host, path): health on the platform's host (no tenant), a page and an unknown API path
    # (404) on each tenant's host
    kinds = [(host_for(None), "/health/ready/"), (host_for("alpha"), "/api/v1/no-such-thing/"),
             (host_for("beta"), "/api/v1/no-such-thing/"), (host_for("beta"), "/accounts/login/")]
    sent = {kind: 0 for kind in kinds}
    statuses = set()

    def get(kind):
        return requests.get(f"{base}{kind[1]}", headers={"Host": kind[0]}, timeout=30).status_code

    try:
        _wait_for_port(port, web, log)
        deadline = time.monotonic() + 120
        with ThreadPoolExecutor(8) as pool:
            while True:
                batch = [kind for kind in kinds for _ in range(2)]
                statuses |= set(zip(batch, pool.map(get, batch), strict=True))
                for kind in batch:
                    sent[kind] += 1
                answered = _per_process(tmp_path, "health-ready")
                if sum(1 for count in answered.values() if count) >= 2:
                    break
                assert time.monotonic() < deadline, f"one worker answered everything: {answered}"
        assert {status for kind, status in statuses} == {200, 404}, statuses
        assert sum(answered.values()) == sent[kinds[0]]
        scrapes = [requests.get(f"{base}/metrics", headers={"Host": "localhost"}, timeout=30).text for _ in range(4)]
    finally:
        _stop(web, seconds=10)
    alpha, beta = sent[kinds[1]], sent[kinds[2]] + sent[kinds[3]]
    for text in scrapes:
        assert samples(text, "django_http_requests_total_by_view_transport_method_total",
                       view="health-ready") == sent[kinds[0]]
        assert samples(text, "platform_tenant_requests_total", tenant="alpha") == alpha
        assert samples(text, "platform_tenant_requests_total", tenant="alpha", status_class="4xx") == alpha
        assert samples(text, "platform_tenant_requests_total", tenant="beta") == beta
        assert samples(text, "platform_tenant_requests_total", tenant="beta", status_class="2xx") == sent[kinds[3]]
        assert samples(text, "platform_tenant_requests_total", tenant="beta", status_class="4xx") == sent[kinds[2]]
        assert samples(text, "platform_tenant_request_seconds_total", tenant="alpha") > 0
        assert samples(text, "platform_tenant_requests_total", tenant="other") == 0
        assert samples(text, "platform_db_connections_opened_total") >= 2  # each worker opened its own
    # the two workers shared one choice of labelled tenants, kept beside the samples
    assert set((tmp_path / "tenant-labels.txt").read_text().split()) == {"alpha", "beta"}
