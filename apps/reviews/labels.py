"""The audit actions apps.reviews writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "review.created": pgettext_lazy("audit action", "Review written"),
        "review.replied": pgettext_lazy("audit action", "Review replied to"),
        "review.hidden": pgettext_lazy("audit action", "Review hidden"),
        "review.unhidden": pgettext_lazy("audit action", "Review shown again"),
    })
