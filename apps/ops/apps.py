from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "apps.ops"
    label = "ops"
    verbose_name = _("Ops portal")

    def ready(self):
        from . import (
            failed_tasks,  # noqa: F401  (records Celery tasks that failed for good: task_failure)
            labels,  # the audit actions it writes, as people read them
        )

        labels.register()
