"""Each request is logged once: one record from apps.core.middleware, with the request
id and tenant; runserver's access line, django.request's warnings and Django's own
console handler no longer repeat it."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from apps.core.logging import RequestContextFilter
from tests.plugin import ARTIFACTS, ROOT, _free_port, _stop, _wait_for_port, subprocess_env


def _request_records(caplog):
    return [record for record in caplog.records if record.name == "apps.core.requests"]


def test_one_record_per_request_with_its_id_and_tenant(alpha_client, caplog):
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestContextFilter())  # as on the console handler

    ok = alpha_client.get("/favicon.ico")  # routed to the tenant (health checks are not)
    missing = alpha_client.get("/no-such-page/")

    records = _request_records(caplog)
    assert [(r.method, r.path, r.status) for r in records] == [
        ("GET", "/favicon.ico", ok.status_code), ("GET", "/no-such-page/", 404)]
    assert [r.request_id for r in records] == [ok["X-Request-ID"], missing["X-Request-ID"]]
    assert {r.tenant for r in records} == {"alpha"}
    assert records[1].levelno == logging.WARNING
    assert not [r for r in caplog.records if r.name == "django.request"], "404s are not logged twice"


def test_a_forged_log_line_in_the_path_is_escaped(public_client, caplog):
    caplog.set_level(logging.INFO)
    public_client.get("/x%0AINFO%20forged/")
    [record] = _request_records(caplog)
    assert "\n" not in record.getMessage() and "\\nINFO forged" in record.getMessage()


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_development_server_writes_each_request_once(log_format):
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"web-logging-{log_format}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT,
            env=subprocess_env(DJANGO_SETTINGS_MODULE="platform_.settings.dev", LOG_FORMAT=log_format),
            stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, process, log)
        ids = {}
        for path in ("/health/", "/no-such-page/"):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    ids[path] = response.headers["X-Request-ID"]
            except urllib.error.HTTPError as error:
                ids[path] = error.headers["X-Request-ID"]
    finally:
        _stop(process, seconds=10)
    output = log.read_text()
    for path, request_id in ids.items():
        lines = [line for line in output.splitlines() if path in line]
        assert len(lines) == 1, output[-3000:]
        if log_format == "json":
            record = json.loads(lines[0])
            assert record["path"] == path and record["request_id"] == request_id
    assert "Not Found" not in output
