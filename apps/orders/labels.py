"""The audit actions apps.orders writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "order.created": pgettext_lazy("audit action", "Order placed"),
        "order.status_changed": pgettext_lazy("audit action", "Order status changed"),
        "order.cancelled": pgettext_lazy("audit action", "Order cancelled"),
        "order.paid": pgettext_lazy("audit action", "Order payment recorded"),
        "order.refunded": pgettext_lazy("audit action", "Order refund recorded"),
    })
