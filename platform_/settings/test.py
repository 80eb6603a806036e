"""Test settings: real PostgreSQL and Redis, fast hashing, mail kept in memory."""

from . import local

local.apply()

from .base import *  # noqa: E402,F401,F403
from .base import CACHES, env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A web server the browser tests start writes its mail to files they read
# (tests/plugin.py sets EMAIL_URL=filemail:////absolute/path for it).
if env("EMAIL_URL", default="").startswith("filemail:"):
    vars().update(env.email("EMAIL_URL"))
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="platform-test")
# Tests get their own queue so that a `make run` worker never takes their tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="platform-test")
# Parallel test runs on one server (e.g. several developers' sessions) need their own
# database names: TEST_DATABASE_NAME=test_platform_mine.
if env("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}  # noqa: F405
EVENTS_VALIDATE_PAYLOADS = True  # every event a test records matches its catalogue schema
WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # receivers run on loopback
