"""The audit actions apps.consumers writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "consumer.registered": pgettext_lazy("audit action", "Customer registered online"),
        "consumer.consent_changed": pgettext_lazy("audit action", "Customer changed a consent"),
    })
