"""The audit actions apps.workspace writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "workspace.settings_updated": pgettext_lazy("audit action", "Workspace settings updated"),
    })
