from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        # Import redis completely now, in the one thread that loads the apps. The redis
        # package imports itself in a cycle (redis/__init__ -> redis.asyncio -> redis.client
        # -> redis.connection -> back into the package), so two threads importing it at
        # once deadlock on the import locks and Python hands one of them a half-initialised
        # module. runserver does exactly that at start: its django-main-thread builds the
        # django-redis cache for the system checks (django_redis.pool imports
        # redis.connection) while the autoreloader's main thread imports the URLconf
        # (apps.core.health imports redis): "cannot import name 'AbstractConnection' from
        # partially initialized module 'redis.connection'" killed the server thread.
        import django_redis.cache  # noqa: F401  (imports redis and redis.connection)
        import redis  # noqa: F401

        from . import tasklog  # noqa: F401  (Celery signals: request ids into tasks, a log line per task)

        # Every app's error classes, now: a code defined twice stops the start-up, and the
        # exception handler knows every code (apps.core.errors).
        from .errors import discover_errors

        discover_errors()

        from .db import connect_signals

        connect_signals()  # database connections closed after CONN_MAX_REQUESTS requests
