"""Billing's refusals (codes are stable: API clients and tests rely on them)."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class BillingError(PlatformError):
    code = "billing_error"


class PricingForbidden(PlatformError):
    code = "pricing_forbidden"
    status = 403
    message = _("Only HQ masters may change prices or commission.")


class PlanChangeForbidden(PlatformError):
    code = "permission_denied"
    status = 403
    message = _("You may not change tenants' plans.")


class NoPrice(BillingError):
    code = "no_price"
    status = 409


class PromoInvalid(BillingError):
    code = "promo_invalid"
