"""The audit actions apps.payments writes, as a person reads them (see apps.audit.labels).
payment.checkout_started / succeeded / failed are labelled by apps.billing, which writes
them for invoices: the same words for an order's payment."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "refund.succeeded": pgettext_lazy("audit action", "Refund made"),
        "refund.failed": pgettext_lazy("audit action", "Refund failed"),
    })
