"""The audit actions apps.industry writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "industry_template.published": pgettext_lazy("audit action", "Industry template published"),
        "industry_template.applied": pgettext_lazy("audit action", "Industry template applied"),
    })
