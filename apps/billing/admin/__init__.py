"""Billing in the ops portal (catalog, promo codes, subscriptions, invoices, add-on
requests) and in the workspace admin (the owner's invoices and add-on requests)."""

from . import catalog, invoices, promos, subscriptions  # noqa: F401  (registers the pages)
