"""The food module's refusals (codes are stable: API clients and tests rely on them).
`details` name the branch, item or order a refusal is about."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import NotFound, PlatformError


class BranchRequired(PlatformError):
    code = "food_branch_required"
    status = 422
    message = _("Choose the branch to order from.")


class OrderingPaused(PlatformError):
    """`details`: branch, reason (manual, board_offline)."""

    code = "food_ordering_paused"
    status = 409
    message = _("This branch is not taking orders right now. Please try again later.")


class BranchClosed(PlatformError):
    """`details`: branch, opens_at (ISO, or null)."""

    code = "food_branch_closed"
    status = 409
    message = _("This branch is closed now.")


class FulfilmentUnavailable(PlatformError):
    """`details`: branch, fulfilment, offered (list)."""

    code = "food_fulfilment_unavailable"
    status = 422
    message = _("This branch does not offer that way of getting your order.")


class BelowMinimum(PlatformError):
    """`details`: branch, minimum, subtotal, currency."""

    code = "food_below_minimum"
    status = 422
    message = _("The order is below this branch's minimum.")


class OutsideDeliveryArea(PlatformError):
    """`details`: branch, distance_m, radius_m."""

    code = "food_outside_delivery_area"
    status = 422
    message = _("This address is outside the branch's delivery area.")


class LocationRequired(PlatformError):
    """`details`: delivery (the missing fields)."""

    code = "food_location_required"
    status = 422
    message = _("A delivery needs the address's latitude and longitude.")


class ItemOutOfHours(PlatformError):
    """`details`: line, item, name, period."""

    code = "food_item_out_of_hours"
    status = 409
    message = _("This item is not served at this time.")


class NotAtKitchen(PlatformError):
    """`details`: order. The order is not paid yet, so the kitchen does not have it."""

    code = "food_not_at_kitchen"
    status = 409
    message = _("This order has not reached the kitchen yet: it is waiting for payment.")


class BeingCancelled(PlatformError):
    """`details`: order. A refund for the order is under way."""

    code = "food_order_being_cancelled"
    status = 409
    message = _("The customer is cancelling this order: it can no longer be accepted.")


class WrongFulfilment(PlatformError):
    """`details`: order, fulfilment, requested."""

    code = "food_wrong_fulfilment"
    status = 409
    message = _("This step is not for this order: check whether it is for pickup or delivery.")


class NotTheRider(PlatformError):
    """`details`: order, rider."""

    code = "food_not_the_rider"
    status = 403
    message = _("Another rider is delivering this order.")


class NotAFoodWorkspace(NotFound):
    """The workspace is not a restaurant: its food endpoints do not exist."""

    message = _("This business does not take food orders.")


class NotAMenuItem(PlatformError):
    """`details`: item, kind."""

    code = "food_not_a_menu_item"
    status = 422
    message = _("Only menu items can be marked sold out here.")


class NothingToReorder(PlatformError):
    """`details`: order, skipped (each line left out: name, reason, message)."""

    code = "food_nothing_to_reorder"
    status = 409
    message = _("None of this order's dishes can be ordered again now.")
