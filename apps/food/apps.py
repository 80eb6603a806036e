from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoodConfig(AppConfig):
    """The food-service module on the commerce core: menu hours, each branch's ordering
    rules, food orders on their own flow (placed -> accepted -> cooking -> ready ->
    picked up / out for delivery -> delivered), the kitchen board and the riders."""

    name = "apps.food"
    label = "food"
    verbose_name = _("Food service")

    def ready(self):
        from apps.events.subscribers import subscriber_register

        from . import flow, labels
        from .subscribers import handle_event, wants

        flow.register()
        labels.register()
        # a paid order reaches the kitchen; a cancelled or refunded one leaves it
        subscriber_register("food", handle_event, wants=wants)
