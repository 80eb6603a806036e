"""Billing in the ops portal (catalog, promo codes, subscriptions, invoices, add-on
requests) and in the workspace admin (the owner's plan, invoices and add-ons: .owner)."""

from . import catalog, invoices, owner, promos, subscriptions  # noqa: F401  (registers the pages)
