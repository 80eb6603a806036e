"""The audit actions apps.crm writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "customer.created": pgettext_lazy("audit action", "Customer added"),
        "customer.updated": pgettext_lazy("audit action", "Customer updated"),
        "customer.deleted": pgettext_lazy("audit action", "Customer deleted"),
        "customer.imported": pgettext_lazy("audit action", "Customers imported"),
    })
