"""The food API's serializers: staff (menu hours, ordering rules, steps), the board's
payload as documented, and what customers read (consumer)."""

from .board import BoardOutput, StepOutput, TicketRowOutput
from .consumer import (
    MenuOutput,
    OpenBranchOutput,
    QuoteInput,
    QuoteOutput,
    ReorderOutput,
    TrackingOutput,
    fee_display,
)
from .staff import (
    MenuPeriodInput,
    MenuPeriodOutput,
    MenuRowOutput,
    OrderingInput,
    OrderingOutput,
    PauseInput,
    StepInput,
)

__all__ = [
    "BoardOutput", "StepOutput", "TicketRowOutput", "MenuOutput", "OpenBranchOutput", "QuoteInput", "QuoteOutput",
    "ReorderOutput", "TrackingOutput", "fee_display", "MenuPeriodInput", "MenuPeriodOutput", "MenuRowOutput",
    "OrderingInput", "OrderingOutput", "PauseInput", "StepInput",
]
