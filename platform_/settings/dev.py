"""Development settings: work with no .env at all."""

from . import local

local.apply()

from .base import *  # noqa: E402,F401,F403
from .base import env  # noqa: E402

DEBUG = env.bool("DEBUG", default=True)
# The console shows one line per e-mail with its links, not raw MIME (consolemail://).
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":  # noqa: F405
    EMAIL_BACKEND = "apps.core.mail.DevConsoleEmailBackend"
# Logs for people: one text line per record (LOG_FORMAT=json for the production format).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405
# Links in e-mails and API responses carry the runserver's port (PORT, default 8000);
# PUBLIC_PORT= (empty) drops it, e.g. behind a local proxy on port 80.
PUBLIC_PORT = int(env("PUBLIC_PORT", default=str(LOCAL_WEB_PORT)) or 0) or None  # noqa: F405
EVENTS_VALIDATE_PAYLOADS = env.bool("EVENTS_VALIDATE_PAYLOADS", default=True)
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=True)
