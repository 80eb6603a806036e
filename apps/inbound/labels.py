"""The audit actions apps.inbound writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "webhook.signature_failed": pgettext_lazy("audit action", "Webhook signature rejected"),
        "webhook.retried": pgettext_lazy("audit action", "Webhook retried"),
    })
