"""Payments and refunds in the workspace export (apps.workspace.export)."""

from apps.core.datasets import dataset

from .models import Payment, Refund

dataset("payments/payments", Payment, customer="order__customer_id")
dataset("payments/refunds", Refund, customer="payment__order__customer_id", exclude=["idempotency_key"])
