"""The audit actions apps.roletemplates writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "roletemplate.created": pgettext_lazy("audit action", "Role template created"),
        "roletemplate.changed": pgettext_lazy("audit action", "Role template changed"),
        "roletemplate.permissions_changed": pgettext_lazy("audit action", "Role template permissions changed"),
        "roletemplate.deleted": pgettext_lazy("audit action", "Role template deleted"),
    })
