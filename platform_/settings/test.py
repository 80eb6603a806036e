"""Test settings: real PostgreSQL and Redis, fast hashing, mail kept in memory."""

import os

from . import local

local.apply()

from .base import *  # noqa: E402,F401,F403
from .base import CACHES, env  # noqa: E402
from .queues import celery_queues  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A web server the browser tests start writes its mail to files they read
# (tests/plugin.py sets EMAIL_URL=filemail:////absolute/path for it).
if env("EMAIL_URL", default="").startswith("filemail:"):
    vars().update(env.email("EMAIL_URL"))

# `make test` runs the suite in pytest-xdist workers (gw0, gw1, ...), each with its own cache
# key prefix and Celery queue, so that one worker's cache clean-ups and queued tasks never
# reach another's; pytest-django gives each its own test database (the name suffixed _gw0).
# The web servers and Celery workers the tests start are handed the suffixed values
# (tests/plugin.py subprocess_env, which leaves PYTEST_XDIST_WORKER out).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _per_worker(value: str) -> str:
    return f"{value}-{_XDIST_WORKER}" if _XDIST_WORKER else value


CACHES["default"]["KEY_PREFIX"] = _per_worker(env("CACHE_KEY_PREFIX", default="platform-test"))
# Tests get their own queue so that a `make run` worker never takes their tasks.
vars().update(celery_queues(_per_worker(env("CELERY_QUEUE", default="platform-test"))))
# Parallel test runs on one server (e.g. several developers' sessions) need their own
# database names: TEST_DATABASE_NAME=test_platform_mine (xdist workers: test_platform_mine_gw0).
if env("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}  # noqa: F405
EVENTS_VALIDATE_PAYLOADS = True  # every event a test records matches its catalogue schema
WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # receivers run on loopback
# Tests change tenants in one process (a Celery worker, a web server) and route in another
# right after: every request reads the routing's versions. The 2 s window of production
# (TENANT_ROUTING_LOCAL_SECONDS) has its own tests, which set it (apps/core/tests/test_cache.py).
TENANT_ROUTING_LOCAL_SECONDS = 0.0
