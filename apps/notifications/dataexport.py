"""Message templates and the messages sent, in the workspace export (apps.workspace.export)."""

from apps.core.datasets import dataset

from .models import Delivery, Notification, NotificationTemplate, Preference

dataset("notifications/templates", NotificationTemplate)
dataset("notifications/deliveries", Delivery, customer="customer_id")
dataset("notifications/in_app", Notification, customer="delivery__customer_id")
dataset("notifications/preferences", Preference)
