"""The food module's tables (tenant schema): menu periods (breakfast, lunch) that limit
when catalog items can be ordered, each branch's ordering rules and the kitchen's
state of a branch, and a ticket per food order with the times of its steps."""

from .menu import MenuPeriod
from .ordering import BranchOrdering
from .tickets import Ticket

__all__ = ["BranchOrdering", "MenuPeriod", "Ticket"]
