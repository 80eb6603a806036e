"""Payments' refusals (codes are stable: API clients, the provider's webhooks and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class ProviderError(PlatformError):
    """The payment provider refused the request (`details`: its reason). Nothing changed here."""

    code = "provider_error"
    status = 502
    message = _("The payment provider refused the request: %(reason)s. Nothing was changed; try again or "
                "contact the provider.")

    @classmethod
    def refused(cls, reason: str, **details):
        return cls(cls.message % {"reason": reason}, details={"reason": reason, **details})


class ProviderUnavailable(ProviderError):
    code = "provider_unavailable"
    status = 503
    message = _("The payment provider cannot be reached right now. Nothing was changed; please try again in a "
                "few minutes.")


class OrderNotPayable(PlatformError):
    code = "order_not_payable"
    status = 409
    message = _("This order cannot be paid: it is cancelled.")


class OrderAlreadyPaid(PlatformError):
    code = "order_already_paid"
    status = 409
    message = _("This order is already paid.")


class NothingToPay(PlatformError):
    code = "order_nothing_to_pay"
    status = 409
    message = _("This order's total is zero: there is nothing to pay.")


class OrderNotPaid(PlatformError):
    code = "order_not_paid"
    status = 409
    message = _("Nothing was paid for this order, so there is nothing to refund.")


class RefundExceedsCaptured(PlatformError):
    """`details`: refundable (what can still be refunded), requested, currency."""

    code = "refund_exceeds_captured"
    status = 422
    message = _("The refund is more than what can still be refunded (%(refundable)s).")


class RefundKeyReused(PlatformError):
    code = "refund_key_reused"
    status = 422
    message = _("This Idempotency-Key was already used for another refund (another amount or order). Use a new "
                "key for a new refund.")


class RefundKeyFailed(PlatformError):
    code = "refund_key_failed"
    status = 409
    message = _("The refund with this Idempotency-Key failed at the provider: %(reason)s. Use a new key to try "
                "again.")


class IdempotencyKeyMissing(PlatformError):
    code = "refund_idempotency_key_required"
    status = 400
    message = _("Send an Idempotency-Key header (e.g. a UUID) with each refund, so that a retried request "
                "cannot refund twice.")


class PaymentAmountMismatch(PlatformError):
    """A provider's report whose amount or currency is not the payment's: recorded as a failed
    inbound event, nothing changed."""

    code = "payment_amount_mismatch"
    status = 422
    message = _("The provider reported %(reported)s for payment %(reference)s, which is for %(expected)s. "
                "Nothing was changed.")


class UnknownPayment(PlatformError):
    code = "unknown_order_payment"
    status = 404
    message = _("Unknown payment %(reference)s.")


class IllegalPaymentMove(PlatformError):
    code = "payment_illegal_transition"
    status = 409
    message = _("A payment that is %(current)s cannot become %(target)s.")
