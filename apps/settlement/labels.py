"""The audit actions apps.settlement writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "settlement.batch_made": pgettext_lazy("audit action", "Settlement batch made"),
        "settlement.batch_confirmed": pgettext_lazy("audit action", "Settlement batch confirmed"),
        "settlement.batch_paid_out": pgettext_lazy("audit action", "Settlement paid out"),
        "settlement.batch_held": pgettext_lazy("audit action", "Settlement batch held"),
        "settlement.batch_released": pgettext_lazy("audit action", "Settlement batch released"),
        "settlement.terms_changed": pgettext_lazy("audit action", "Settlement terms changed"),
        "settlement.run_started": pgettext_lazy("audit action", "Settlement run started"),
        "settlement.run_retried": pgettext_lazy("audit action", "Settlement retried for a tenant"),
        "settlement.reconciled": pgettext_lazy("audit action", "Provider settlement file reconciled"),
    })
