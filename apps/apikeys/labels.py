"""The audit actions apps.apikeys writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "apikey.created": pgettext_lazy("audit action", "API key created"),
        "apikey.revoked": pgettext_lazy("audit action", "API key revoked"),
    })
