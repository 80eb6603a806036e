"""Orders' refusals (codes are stable: API clients and tests rely on them). `details` say
which line, item, option group or status the refusal is about."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import NotFound, PlatformError


class OrderNotFound(NotFound):
    message = _("There is no such order.")


class IllegalOrderTransition(PlatformError):
    """`details`: status (current), requested, allowed (the statuses it may move to)."""

    code = "order_illegal_transition"
    status = 409
    message = _("An order that is %(current)s cannot become %(target)s.")


class OrderNotCancellable(PlatformError):
    """`details`: status, by_customer."""

    code = "order_not_cancellable"
    status = 409
    message = _("This order can no longer be cancelled.")


class OrderPaidCancelWithRefund(PlatformError):
    """A paid order is cancelled through the cancel endpoint, which refunds the payment."""

    code = "order_paid_needs_refund"
    status = 409
    message = _("This order has been paid: cancel it with “Cancel and refund” so that the customer gets the "
                "money back.")


class UnknownItem(PlatformError):
    """`details`: line (index in `lines`), item (id)."""

    code = "unknown_item"
    status = 422
    message = _("There is no such item.")


class ItemUnavailable(PlatformError):
    """`details`: line, item, name, reason (inactive, sold_out, branch)."""

    code = "item_unavailable"
    status = 409
    message = _("This item cannot be ordered now.")


class OptionInvalid(PlatformError):
    """`details`: line, item, options (the ids that are not options of the item)."""

    code = "option_invalid"
    status = 422
    message = _("These options do not belong to the item.")


class OptionUnavailable(PlatformError):
    """`details`: line, item, option, name."""

    code = "option_unavailable"
    status = 409
    message = _("This option is not available now.")


class OptionChoices(PlatformError):
    """`details`: line, item, group (id), name, min, max, chosen."""

    code = "option_choices"
    status = 422
    message = _("Choose between %(min)s and %(max)s options for “%(group)s”.")


class BranchUnavailable(PlatformError):
    """`details`: branch."""

    code = "branch_unavailable"
    status = 409
    message = _("This branch is not taking orders.")


class IdempotencyKeyReused(PlatformError):
    """The Idempotency-Key was used before for a request with another body."""

    code = "idempotency_key_reused"
    status = 422
    message = _("This Idempotency-Key was already used for a different order. Use a new key for a new order.")


class PaymentExceedsTotal(PlatformError):
    """`details`: total, paid, amount."""

    code = "order_payment_exceeds_total"
    status = 409
    message = _("This payment would take more than the order's total.")


class RefundExceedsPaid(PlatformError):
    """`details`: paid, refunded, amount."""

    code = "order_refund_exceeds_paid"
    status = 409
    message = _("A refund cannot be more than what was paid for the order.")


class OrderBranchOutOfScope(PlatformError):
    """A branch-limited staff member ordered for another branch (or none); `details`: branch."""

    code = "order_branch_out_of_scope"
    status = 403
    message = _("You can only take orders for your own branches.")
