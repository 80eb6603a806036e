"""The audit actions apps.market writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "apikey.issued": pgettext_lazy("audit action", "Platform API key issued"),
        "apikey.revoked": pgettext_lazy("audit action", "API key revoked"),
    })
