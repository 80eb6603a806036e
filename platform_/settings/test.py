"""Test settings: real PostgreSQL and Redis, fast hashing, mail kept in memory."""

from .base import *  # noqa: F401,F403
from .base import CACHES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="platform-test")
# Tests get their own queue so that a `make run` worker never takes their tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="platform-test")
