"""The audit actions apps.branches writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "branch.created": pgettext_lazy("audit action", "Branch created"),
        "branch.updated": pgettext_lazy("audit action", "Branch updated"),
    })
