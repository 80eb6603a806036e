"""The audit actions apps.directory writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "directory.listing_updated": pgettext_lazy("audit action", "Directory listing changed"),
    })
