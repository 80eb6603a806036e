"""Billing's refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import Conflict, NotFound, PermissionDenied, PlatformError


class BillingError(PlatformError):
    """Base of billing's refusals that are the client's to fix (400 unless said otherwise);
    each has its own code."""


class PricingForbidden(PlatformError):
    code = "pricing_forbidden"
    status = 403
    message = _("Only HQ masters may change prices or commission.")


class PlanChangeForbidden(PermissionDenied):
    message = _("You may not change tenants' plans.")


class PlanLimitReached(PlatformError):
    code = "plan_limit_reached"
    status = 403
    message = _("The plan's limit is reached. Upgrade the plan or add an add-on.")


class NoPrice(BillingError):
    code = "no_price"
    status = 409
    message = _("The plan has no price in force.")


class PriceInPast(BillingError):
    code = "price_in_past"
    message = _("A new price can take effect today or later, not in the past.")


class PriceVersionExists(Conflict):
    code = "price_version_exists"
    message = _("This plan already has a price version taking effect on %(date)s.")


# Subscriptions


class SubscriptionExists(Conflict):
    code = "subscription_exists"
    message = _("This tenant already has a subscription.")


class NoSubscription(NotFound):
    code = "no_subscription"
    message = _("This workspace has no subscription.")


class PlanUnavailable(BillingError):
    code = "plan_unavailable"
    message = _("This plan is no longer available.")


class CurrencyMismatch(BillingError):
    code = "currency_mismatch"
    message = _("Plans in different currencies cannot be switched mid-period.")


# Add-ons


class AddonUnavailable(BillingError):
    code = "addon_unavailable"
    message = _("This add-on is not available.")


class AddonRequestPending(Conflict):
    code = "addon_request_pending"
    message = _("You already have a pending request for this add-on.")


class AddonRequestDecided(Conflict):
    code = "already_decided"
    message = _("This request was already decided.")


class AddonWithoutSubscription(BillingError):
    """Approving an add-on for a tenant that has no subscription (not `no_subscription`:
    that is the 404 of a workspace asking for its own)."""

    code = "addon_without_subscription"
    message = _("The tenant has no subscription to add this to.")


# Promo codes


class PromoInvalid(BillingError):
    """Base of the refusals of a promo code."""


class PromoNotFound(PromoInvalid):
    code = "promo_not_found"
    message = _("This promo code does not exist.")


class PromoExpired(PromoInvalid):
    code = "promo_expired"
    message = _("This promo code expired on %(date)s.")


class PromoUsedUp(PromoInvalid):
    code = "promo_used_up"
    message = _("This promo code has been used up.")


class PromoWrongPlan(PromoInvalid):
    """`details.plans`: the plans it is valid for."""

    code = "promo_wrong_plan"
    message = _("This promo code is not valid for the %(plan)s plan.")


class PromoAlreadyRedeemed(PromoInvalid):
    code = "promo_already_redeemed"
    message = _("This promo code has already been redeemed on this subscription.")


# Invoices and payments


class InvoiceNotOpen(BillingError):
    code = "invoice_not_open"
    status = 409
    message = _("Only open invoices can be voided.")


class NoOpenInvoice(NotFound):
    code = "no_open_invoice"
    message = _("There is nothing to pay: no open invoice.")


class UnknownPayment(NotFound):
    code = "unknown_payment"
    message = _("Unknown payment %(reference)s.")


class CheckoutUnavailable(PlatformError):
    code = "payment_provider_unavailable"
    status = 503
    message = _("The payment provider cannot be reached right now. Please try again in a few minutes.")


class PdfUnavailable(PlatformError):
    code = "invoice_pdf_unavailable"
    status = 503
    message = _("The PDF cannot be made on this server right now. Open the printable invoice and use your "
                "browser's Save as PDF.")
