"""Reviews' refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import NotFound, PlatformError


class ReviewExists(PlatformError):
    """`details.review`: the order's review."""

    code = "review_exists"
    status = 409
    message = _("This order already has a review. Each order can be reviewed once.")


class OrderNotReviewable(PlatformError):
    """`details`: the order's status."""

    code = "review_order_not_done"
    status = 409
    message = _("You can review an order once it is completed.")


class NotYourOrder(NotFound):
    message = _("You have no order with this number.")


class ReviewNotFound(NotFound):
    message = _("There is no review with this number.")


class ItemNotFound(NotFound):
    message = _("There is no item with this number.")


class ReviewAlreadyHidden(PlatformError):
    code = "review_already_hidden"
    status = 409
    message = _("This review is already hidden.")


class ReviewNotHidden(PlatformError):
    code = "review_not_hidden"
    status = 409
    message = _("This review is not hidden.")
