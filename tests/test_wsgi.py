"""The web worker's start (platform_/wsgi.py), in a fresh interpreter as gunicorn imports it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc, json, os, sys
import django
from django.conf import settings
from django.db import OperationalError
django.setup()
from apps.tenants import routing
preloads = []
def preload():  # what the start calls
    preloads.append(gc.get_freeze_count())
    if os.environ.get("PROBE_DATABASE_DOWN"):
        raise OperationalError("connection refused")
    return 0
routing.routing_preload = preload
from platform_.wsgi import GC_THRESHOLDS, application
print(json.dumps({
    "frozen": gc.get_freeze_count(), "walked": len(gc.get_objects()), "thresholds": list(gc.get_threshold()),
    "wanted": list(GC_THRESHOLDS),
    "urlconfs": [name in sys.modules for name in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF)],
    "views": "apps.catalog.apis" in sys.modules, "preloads": preloads,
}))
"""


def start_worker(**env_extra) -> tuple[dict, str]:
    """What a fresh worker reports once platform_.wsgi is imported, and everything it printed."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "platform_.settings.test", **env_extra}
    env.pop("PYTEST_XDIST_WORKER", None)
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stdout + result.stderr


def test_a_worker_freezes_what_it_loaded_so_that_full_collections_skip_it():
    found, _output = start_worker()
    assert found["urlconfs"] == [True, True] and found["views"]  # loaded before the freeze, so frozen too
    assert found["frozen"] > 100_000
    assert found["walked"] < found["frozen"] / 20  # a full collection walks a small part of what is loaded
    assert found["thresholds"] == found["wanted"] and found["wanted"][0] > 700  # not Python's default
    assert found["preloads"] == [0]  # the tenants' routing read once (TENANT_ROUTING_PRELOAD), before the freeze


def test_a_worker_starts_without_the_routing_when_the_database_does_not_answer():
    found, output = start_worker(PROBE_DATABASE_DOWN="1")
    assert found["preloads"] == [0]
    assert "tenant routing not preloaded" in output  # logged; each tenant's routing is then read per request
    assert found["frozen"] > 100_000 and found["thresholds"] == found["wanted"]  # the rest of the start as usual
