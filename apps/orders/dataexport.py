"""Orders, their lines and status moves in the workspace export (apps.workspace.export);
idempotency keys and request fingerprints are plumbing and stay out."""

from apps.core.datasets import dataset

from .models import Order, OrderLine, OrderTransition

dataset("orders/orders", Order, customer="customer_id",
        exclude=["idempotency_key", "idempotency_scope", "request_fingerprint"])
dataset("orders/lines", OrderLine, customer="order__customer_id")
dataset("orders/transitions", OrderTransition, customer="order__customer_id")
