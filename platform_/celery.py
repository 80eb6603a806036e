"""Celery app. Tasks are tenant-aware (tenant-schemas-celery): a task sent while a
tenant schema is active runs in that schema on the worker."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.dev")

app = CeleryApp("platform_")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
