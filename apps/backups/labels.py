"""The audit actions apps.backups writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "backup.requested": pgettext_lazy("audit action", "Backup requested"),
        "backup.created": pgettext_lazy("audit action", "Backup made"),
        "backup.failed": pgettext_lazy("audit action", "Backup failed"),
        "backup.restore_requested": pgettext_lazy("audit action", "Restore requested"),
        "backup.restored": pgettext_lazy("audit action", "Restored from a backup"),
        "backup.restored_as_copy": pgettext_lazy("audit action", "Created as a copy from a backup"),
        "backup.restore_failed": pgettext_lazy("audit action", "Restore failed"),
    })
