"""Zero-touch sign-up (seeds/004 §10): a business signs itself up on the public host."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.tenants.models import Tenant

from .services import tenant_enrol


def tenant_signup(*, business_type: str, company_name: str, subdomain: str, owner_email: str,
                  owner_name: str = "", plan) -> Tenant:
    """Create the tenant. On a plan that allows self sign-up it is provisioned by a worker
    straight away (the owner gets a set-password email when it is ready); otherwise it
    waits in `requested` for the HQ approval chain."""
    if not plan.is_active:
        raise ValidationError({"plan": _("This plan is not available.")}, code="invalid")
    try:
        return tenant_enrol(slug=subdomain, name=company_name, business_type=business_type,
                            owner_email=owner_email, owner_name=owner_name, plan=plan,
                            through_approval=not plan.self_signup, reason="self sign-up")
    except ValidationError as exc:  # name the fields as the sign-up form does
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({FIELD_NAMES.get(name, name): errors for name, errors in exc.error_dict.items()}) \
            from exc


FIELD_NAMES = {"slug": "subdomain", "name": "company_name"}
