"""/metrics: Prometheus' text format on every host, readable with the token or from an
allowed network only (the error shape otherwise), and correct under gunicorn with several
workers: a scrape adds up every worker's counts, whichever worker answers."""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.plugin import ROOT, _stop, _wait_for_port, artifact_log, client_for, subprocess_env
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


def _count(text: str, view: str) -> float:
    pattern = re.compile(r'^django_http_requests_total_by_view_transport_method_total\{(?P<labels>[^}]*)\} (?P<v>\S+)$',
                         re.M)
    return sum(float(m["v"]) for m in pattern.finditer(text) if f'view="{view}"' in m["labels"])


def test_a_scrape_adds_up_every_gunicorn_worker(platform_seed, tmp_path):
    port = free_port()
    log = artifact_log("metrics-web")
    with log.open("w") as out:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "platform_.wsgi:application", "-c", "docker/gunicorn.conf.py",
             "-b", f"127.0.0.1:{port}", "-w", "2"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env=subprocess_env(PROMETHEUS_MULTIPROC_DIR=str(tmp_path)))
    try:
        _wait_for_port(port, web, log)
        base = f"http://127.0.0.1:{port}"
        with ThreadPoolExecutor(8) as pool:  # eight at a time: both workers answer some
            statuses = list(pool.map(lambda _n: requests.get(f"{base}/health/ready/",
                                                             headers={"Host": "localhost"}).status_code, range(40)))
        assert statuses == [200] * 40
        scrapes = [requests.get(f"{base}/metrics", headers={"Host": "localhost"}).text for _ in range(4)]
        assert [_count(text, "health-ready") for text in scrapes] == [40.0] * 4
    finally:
        _stop(web, seconds=10)
