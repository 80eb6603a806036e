"""Customers' consents (terms, privacy, marketing) in the workspace export (apps.workspace.export)."""

from apps.core.datasets import dataset

from .models import Consent

dataset("consumers/consents", Consent, customer="customer_id")
