"""The audit actions apps.food writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "food.ordering_changed": pgettext_lazy("audit action", "Ordering rules changed"),
        "food.ordering_paused": pgettext_lazy("audit action", "Ordering paused"),
        "food.ordering_resumed": pgettext_lazy("audit action", "Ordering resumed"),
        "food.menu_hours_saved": pgettext_lazy("audit action", "Menu hours saved"),
        "food.menu_hours_deleted": pgettext_lazy("audit action", "Menu hours removed"),
        "food.order_reordered": pgettext_lazy("audit action", "Order placed again"),
    })
