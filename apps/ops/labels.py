"""The audit actions apps.ops writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "failed_task.retried": pgettext_lazy("audit action", "Failed task retried"),
        "failed_task.dismissed": pgettext_lazy("audit action", "Failed task dismissed"),
    })
