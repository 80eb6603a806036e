"""The runserver start-up race: its django-main-thread builds the django-redis cache for
the system checks (django_redis.pool imports redis.connection) while the autoreloader's
main thread imports the URLconf (apps.core.health imports redis). redis imports itself in
a cycle, so two threads importing it at once deadlock on the import locks and Python hands
one of them a half-initialised module: "cannot import name 'AbstractConnection' from
partially initialized module 'redis.connection'", and the web server thread died. Loading
the apps (one thread, before runserver starts any) must import redis completely."""

from __future__ import annotations

import subprocess
import sys

from tests.plugin import ROOT, subprocess_env

# Run in a fresh interpreter: this test process imported redis long ago.
PROBE = """
import sys, threading

import django

django.setup()  # what manage.py does before runserver starts its threads
for name in ("redis", "redis.connection", "redis.client"):
    module = sys.modules.get(name)
    assert module is not None, f"{name} not imported by django.setup()"
    assert not getattr(module.__spec__, "_initializing", False), f"{name} is half-initialised"

# Then the two imports runserver's threads make at the same moment.
errors = []
barrier = threading.Barrier(2)

def run(statement):
    barrier.wait()
    try:
        exec(statement)
    except Exception as exc:
        errors.append(repr(exc))

threads = [threading.Thread(target=run, args=(statement,)) for statement in
           ("import redis", "import django_redis.pool")]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert not errors, errors
print("ok")
"""


def test_setup_imports_redis_before_any_thread_can_race_for_it():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=subprocess_env(DJANGO_SETTINGS_MODULE="platform_.settings.dev"))  # make run's
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]
