"""The audit actions apps.workspace writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "workspace.settings_updated": pgettext_lazy("audit action", "Workspace settings updated"),
        "workspace.export_requested": pgettext_lazy("audit action", "Workspace export requested"),
        "workspace.export_ready": pgettext_lazy("audit action", "Workspace export ready"),
        "workspace.export_failed": pgettext_lazy("audit action", "Workspace export failed"),
        "workspace.export_downloaded": pgettext_lazy("audit action", "Export downloaded"),
        "workspace.personal_data_exported": pgettext_lazy("audit action", "Customer's personal data exported"),
    })
