"""The restaurant's data in the workspace export (apps.workspace.export): menu hours,
each branch's ordering settings and the kitchen tickets."""

from apps.core.datasets import dataset

from .models import BranchOrdering, MenuPeriod, Ticket

dataset("food/menu_periods", MenuPeriod)
dataset("food/menu_period_items", MenuPeriod.items.through)
dataset("food/branch_ordering", BranchOrdering)
dataset("food/tickets", Ticket, customer="order__customer_id")
