"""The audit actions apps.announcements writes, as a person reads them."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "announcement.published": pgettext_lazy("audit action", "Announcement published"),
        "announcement.withdrawn": pgettext_lazy("audit action", "Announcement withdrawn"),
    })
