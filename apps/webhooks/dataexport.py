"""Webhook endpoints and deliveries in the workspace export (apps.workspace.export);
signing secrets stay out."""

from apps.core.datasets import dataset

from .models import Delivery, WebhookEndpoint

dataset("webhooks/endpoints", WebhookEndpoint)
dataset("webhooks/deliveries", Delivery)
