"""Demo tenants: created and provisioned here, then their billing story (public schema)."""

from __future__ import annotations

from collections.abc import Callable

from apps.accounts.models import User
from apps.billing.addons import addon_request_create, addon_request_decide
from apps.billing.invoicing import invoice_issue_for_period
from apps.billing.models import AddOn, AddOnRequest, Invoice, Payment, Plan, PromoRedemption, Subscription
from apps.billing.payments import invoice_checkout, payment_succeeded
from apps.billing.promos import subscription_apply_promo
from apps.billing.providers import SANDBOX_CARDS
from apps.core.clock import platform_today
from apps.core.tasks_inline import tasks_in_process
from apps.tenants.models import Tenant
from apps.tenants.services import tenant_create, tenant_provision

from .platform import demo_login

SANDBOX_CARD = next(card for card, failure in SANDBOX_CARDS.items() if failure is None)


def tenant_ensure(spec: dict, *, plan: Plan, actor, write: Callable[[str], None]) -> Tenant | None:
    """The tenant, provisioned, its owner logging in with the demo password; None (and
    why, on `write`) when an earlier run left it in another state."""
    tenant = Tenant.objects.filter(slug=spec["slug"]).first()
    if tenant is None:
        with tasks_in_process():  # no worker runs yet: provisioning runs here, on commit
            tenant = tenant_create(**{**spec, "plan": plan}, actor=actor)
        tenant.refresh_from_db()
        if tenant.status == Tenant.Status.PROVISIONING:
            # Called inside an outer transaction (a test): the commit that would run the
            # queued provisioning has not come, so do what its task does, now.
            tenant = tenant_provision(tenant_id=tenant.pk)
    if tenant.status != Tenant.Status.ACTIVE:
        write(f"Demo tenant {tenant.slug} is {tenant.status}: {tenant.provisioning_error}")
        return None
    demo_login(User.objects.get(email=spec["owner_email"]))
    return tenant


def addon_request_ensure(*, tenant: Tenant, code: str, quantity: int, note: str, user, approve_by=None) -> None:
    """The owner's request for an add-on; approved by `approve_by` (HQ) if given, else left pending."""
    addon = AddOn.objects.get(code=code)
    request = AddOnRequest.objects.filter(tenant=tenant, addon=addon).order_by("pk").first()
    if request is None:
        request = addon_request_create(tenant=tenant, addon=addon, quantity=quantity, note=note, user=user)
    if approve_by is not None and request.status == AddOnRequest.Status.PENDING:
        addon_request_decide(addon_request=request, approve=True, actor=approve_by)


def promo_ensure(*, tenant: Tenant, code: str, actor) -> None:
    subscription = Subscription.objects.get(tenant=tenant)
    if not PromoRedemption.objects.filter(subscription=subscription, promo__code__iexact=code).exists():
        subscription_apply_promo(subscription=subscription, code=code, actor=actor)


def invoice_ensure(*, tenant: Tenant, paid: bool) -> Invoice:
    """The invoice for the current period (plan, add-ons, promo); `paid`: the owner pays it
    through the sandbox provider's checkout with its test card that succeeds."""
    subscription = Subscription.objects.get(tenant=tenant)
    invoice = subscription.invoices.order_by("pk").first()
    if invoice is None:
        invoice = invoice_issue_for_period(subscription=subscription, issue_date=platform_today())
    if paid and invoice.status == Invoice.Status.OPEN:
        payment = invoice.payments.filter(status=Payment.Status.PENDING).first()
        if payment is None:
            payment, _url = invoice_checkout(invoice=invoice, actor=tenant.owner)
        # What the provider's webhook reports once the card went through (no web server
        # runs yet to receive it: apps.billing.inbound calls the same service).
        payment_succeeded(reference=payment.reference, payment_method=SANDBOX_CARD)
        invoice.refresh_from_db()
    return invoice
