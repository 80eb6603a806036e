"""The audit actions apps.flags writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "flag.created": pgettext_lazy("audit action", "Feature flag created"),
        "flag.changed": pgettext_lazy("audit action", "Feature flag changed"),
        "flag.deleted": pgettext_lazy("audit action", "Feature flag deleted"),
    })
