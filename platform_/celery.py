"""Celery app. Tasks are tenant-aware (tenant-schemas-celery): a task sent while a
tenant schema is active runs in that schema on the worker.

Periodic schedules are declared in code, next to the tasks: each app may define
`BEAT_SCHEDULE` in `apps/<app>/schedules.py`; they are merged here, and beat's
database scheduler (django-celery-beat) picks them up at start.
"""

import importlib
import importlib.util
import os

from tenant_schemas_celery.app import CeleryApp

from apps.core.metrics import workers as _metrics  # noqa: F401  (task metrics; after tenant-schemas-celery's receivers)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.dev")

app = CeleryApp("platform_")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Workers store a heartbeat in Redis that /health/ready/ reports (apps.core.heartbeat).
app.steps["consumer"].add("apps.core.heartbeat:WorkerHeartbeat")


def collect_beat_schedule() -> dict:
    from django.apps import apps

    schedule = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.schedules"
        if config.name.startswith("apps.") and importlib.util.find_spec(module_name):
            schedule.update(importlib.import_module(module_name).BEAT_SCHEDULE)
    return schedule


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    sender.conf.beat_schedule = collect_beat_schedule()

