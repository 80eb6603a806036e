"""Customers, their tags and guardians in the workspace export, and how a personal export
finds its customer (apps.workspace.export): one the caller may both see and export."""

from apps.core.datasets import dataset, subject

from . import selectors
from .models import Customer, GuardianContact, Tag

dataset("crm/tags", Tag)
dataset("crm/customers", Customer, customer="id")
dataset("crm/customer_tags", Customer.tags.through, customer="customer_id")
dataset("crm/guardians", GuardianContact, customer="customer_id")


def find_customer(*, pk: int, access) -> tuple[int, str] | None:
    """A live customer within the caller's view and export scope (tenant, branch or own)."""
    visible = selectors.customer_list(access=access).values("pk")
    row = (selectors.customer_list(access=access, perm="crm.export_customer").filter(pk=pk, pk__in=visible)
           .values_list("pk", "name").first())
    return tuple(row) if row else None


subject("customer", find_customer)
