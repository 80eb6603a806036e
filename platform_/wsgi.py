"""The WSGI application (gunicorn: `platform_.wsgi:application`, imported in each worker).

The garbage collector, set for a web worker (figures: tests/perf/gc_freeze.py, README):
- What the process loads to serve requests (modules, classes, models, both URLconfs and
  the views they import: about 300,000 objects) lives as long as the process.
  `gc.freeze()` moves it out of the collector's reach, so a full collection walks only
  what was created since: tens of milliseconds at most instead of a quarter of a second
  or more, and the collector's time per request is about halved. Frozen objects are never
  collected; only what is loaded here, once per process, is frozen.
- A young collection every 5,000 net allocations instead of Python's 700: a request
  allocates thousands of objects, and each young collection within it moves the
  request's own objects, still in use, to an older generation. Much higher (50,000)
  made young collections pauses of 56-91 ms, worse for the slowest requests.

The tenants' routing and plan limits that Redis holds are read into the process first
(TENANT_ROUTING_PRELOAD, apps.tenants.routing.routing_preload), frozen with the rest: with
thousands of tenants, most requests of a new worker would otherwise each read them from
Redis. A database or Redis that does not answer yet leaves the worker to read them per
request, as without.
"""

import gc
import logging
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, connections
from django.urls import get_resolver

GC_THRESHOLDS = (5_000, 10, 10)  # Python's default: (700, 10, 10)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.dev")
application = get_wsgi_application()

for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
    get_resolver(urlconf).reverse_dict  # noqa: B018 (imports the views and builds the resolver's lookups)
if settings.TENANT_ROUTING_PRELOAD:
    from apps.tenants.routing import routing_preload

    try:
        routing_preload()
    except DatabaseError as exc:
        logging.getLogger(__name__).warning("tenant routing not preloaded: %s", exc)
    connections.close_all()  # a connection is a request's (and never a forked process's)
gc.collect()  # the start-up's garbage freed, not frozen
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)
