"""Billing's tables (public schema), one module per concept."""

from .catalog import AddOn, Plan, PlanPrice
from .invoices import Invoice, InvoiceLine, InvoiceSequence, Payment
from .promos import PromoCode
from .subscriptions import AddOnRequest, PromoRedemption, Subscription, SubscriptionAddOn
from .usage import UsageAlert, UsageDay

__all__ = ["AddOn", "AddOnRequest", "Invoice", "InvoiceLine", "InvoiceSequence", "Payment", "Plan", "PlanPrice",
           "PromoCode", "PromoRedemption", "Subscription", "SubscriptionAddOn", "UsageAlert", "UsageDay"]
