"""Billing writes: the plan catalog and its price versions, promo codes, add-on requests,
subscriptions, invoices, payments, proration and dunning."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record, diff, snapshot
from apps.core.errors import Conflict, NotFound, PlatformError

from . import emails
from .limits import limits_forget
from .models import (AddOn, AddOnRequest, Invoice, InvoiceLine, InvoiceSequence, Payment, Plan, PlanPrice,
                     PromoCode, PromoRedemption, Subscription, SubscriptionAddOn)
from .providers import payment_provider

PLAN_FIELDS = ("code", "name", "name_ko", "description", "is_active", "self_signup", "billing_period",
               "trial_days", "max_staff_users", "max_branches", "api_requests_per_minute",
               "api_requests_per_month", "storage_mb", "sort_order")
PRICE_FIELDS = ("amount", "currency", "commission_rate", "effective_from")
_MINOR_UNITS = {"KRW": Decimal("1"), "JPY": Decimal("1")}


class BillingError(PlatformError):
    code = "billing_error"


class PricingForbidden(PlatformError):
    code = "pricing_forbidden"
    status = 403
    message = _("Only HQ masters may change prices or commission.")


class NoPrice(BillingError):
    code = "no_price"
    status = 409


class PromoInvalid(BillingError):
    code = "promo_invalid"


def _money(amount: Decimal, currency: str) -> Decimal:
    return Decimal(amount).quantize(_MINOR_UNITS.get(currency, Decimal("0.01")), rounding=ROUND_HALF_UP)


def _tax(taxable: Decimal, currency: str) -> Decimal:
    return _money(taxable * Decimal(str(settings.BILLING_TAX_RATE)), currency)


def _today() -> dt.date:
    return timezone.localdate()


# --- Catalog ----------------------------------------------------------------------------------


def _forget_plan_tenants(plan: Plan) -> None:
    from apps.tenants.models import Domain
    from apps.tenants.routing import forget_hosts

    tenant_ids = list(plan.tenants.values_list("pk", flat=True))
    hosts = Domain.objects.filter(tenant_id__in=tenant_ids).values_list("domain", flat=True)
    transaction.on_commit(lambda: (forget_hosts(list(hosts)), limits_forget(tenant_ids=tenant_ids)))


def plan_save(*, plan: Plan, actor) -> Plan:
    """Create or change a plan (not its price). Tenants on it get the new limits at once."""
    before = snapshot(Plan.objects.get(pk=plan.pk), PLAN_FIELDS) if plan.pk else {}
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        changes = diff(before, snapshot(plan, PLAN_FIELDS))
        audit_record(action="plan.created" if not before else "plan.changed", actor=actor, target=plan,
                     changes=changes)
        _forget_plan_tenants(plan)
    return plan


def price_in_force(*, plan: Plan, on: dt.date) -> PlanPrice:
    price = plan.prices.filter(effective_from__lte=on).order_by("-effective_from").first()
    if price is None:
        raise NoPrice(_("The plan %(plan)s has no price in force on %(date)s.") % {"plan": plan.code, "date": on})
    return price


def plan_price_set(*, plan: Plan, amount: Decimal, commission_rate: Decimal, effective_from: dt.date, actor,
                   currency: str = "KRW", note: str = "") -> PlanPrice:
    """A new price and commission version from `effective_from` (today or later; the past
    stays as it was billed). HQ masters only."""
    if actor is None or not actor.has_perm("billing.change_pricing"):
        raise PricingForbidden()
    if effective_from < _today():
        raise BillingError(_("A new price can take effect today or later, not in the past."),
                           code="price_in_past", details={"effective_from": str(effective_from)})
    version = PlanPrice(plan=plan, amount=amount, currency=(currency or "").upper(), commission_rate=commission_rate,
                        effective_from=effective_from, note=note, created_by=actor)
    version.full_clean(validate_unique=False, validate_constraints=False)
    cents = Decimal("0.01")
    version.amount, version.commission_rate = version.amount.quantize(cents), version.commission_rate.quantize(cents)
    with transaction.atomic():
        if PlanPrice.objects.filter(plan=plan, effective_from=effective_from).exists():
            raise Conflict(_("This plan already has a price version taking effect on %(date)s.")
                           % {"date": effective_from}, code="price_version_exists")
        previous = plan.prices.filter(effective_from__lte=effective_from).order_by("-effective_from").first()
        version.save()
        audit_record(action="plan.price_changed", actor=actor, target=plan,
                     changes=diff(snapshot(previous, PRICE_FIELDS) if previous else {},
                                  snapshot(version, PRICE_FIELDS)),
                     metadata={"price_version": version.pk, "note": note})
    return version


def addon_save(*, addon: AddOn, actor) -> AddOn:
    fields = ("code", "name", "name_ko", "price", "currency", "limit_key", "limit_increase", "feature_flag",
              "is_active")
    stored = AddOn.objects.get(pk=addon.pk) if addon.pk else None
    before = snapshot(stored, fields) if stored else {}
    # Setting a price is pricing: on an existing add-on when it changes, on a new one whenever it has one.
    sets_price = addon.price != stored.price if stored else bool(addon.price)
    if sets_price and not actor.has_perm("billing.change_pricing"):
        raise PricingForbidden()
    addon.full_clean()
    with transaction.atomic():
        addon.save()
        audit_record(action="addon.saved", actor=actor, target=addon, changes=diff(before, snapshot(addon, fields)))
    return addon


# --- Promo codes ------------------------------------------------------------------------------


def promo_check(*, code: str, plan: Plan, now: dt.datetime | None = None) -> PromoCode:
    """The promo code if it may be redeemed on `plan` now; otherwise a clear error."""
    now = now or timezone.now()
    promo = PromoCode.objects.filter(code__iexact=(code or "").strip()).first()
    if promo is None or not promo.is_active:
        raise PromoInvalid(_("This promo code does not exist."), code="promo_not_found")
    if promo.expires_at and promo.expires_at <= now:
        raise PromoInvalid(_("This promo code expired on %(date)s.") % {"date": promo.expires_at.date()},
                           code="promo_expired")
    if promo.max_redemptions is not None and promo.times_redeemed >= promo.max_redemptions:
        raise PromoInvalid(_("This promo code has been used up."), code="promo_used_up")
    allowed = list(promo.plans.values_list("code", flat=True))
    if allowed and plan.code not in allowed:
        raise PromoInvalid(_("This promo code is not valid for the %(plan)s plan.") % {"plan": plan.name},
                           code="promo_wrong_plan", details={"plans": allowed})
    return promo


def promo_discount(*, promo: PromoCode | None, periods_used: int, amount: Decimal, currency: str) -> Decimal:
    """The discount on `amount` for the next period, given how many periods already had it."""
    if promo is None:
        return Decimal("0")
    if promo.duration == PromoCode.Duration.ONCE and periods_used >= 1:
        return Decimal("0")
    if promo.duration == PromoCode.Duration.REPEATING and periods_used >= (promo.duration_periods or 0):
        return Decimal("0")
    if promo.kind == PromoCode.Kind.PERCENT:
        return _money(amount * promo.value / 100, currency)
    return min(_money(promo.value, currency), amount)


def subscription_apply_promo(*, subscription: Subscription, code: str, actor) -> Subscription:
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update(of=("self",)).select_related(
            "plan", "tenant").get(pk=subscription.pk)
        promo = promo_check(code=code, plan=subscription.plan)
        # The subscription is locked above, so this check and the insert below cannot race;
        # the unique constraint backs it up.
        if subscription.promo_id == promo.pk or PromoRedemption.objects.filter(
                subscription=subscription, promo=promo).exists():
            raise PromoInvalid(_("This promo code has already been redeemed on this subscription."),
                               code="promo_already_redeemed")
        redeemable = PromoCode.objects.filter(pk=promo.pk)
        if promo.max_redemptions is not None:  # counted in the UPDATE: no race past the cap
            redeemable = redeemable.filter(times_redeemed__lt=F("max_redemptions"))
        updated = redeemable.update(times_redeemed=F("times_redeemed") + 1)
        if not updated:
            raise PromoInvalid(_("This promo code has been used up."), code="promo_used_up")
        PromoRedemption.objects.create(subscription=subscription, promo=promo)
        before = subscription.promo.code if subscription.promo else None
        subscription.promo = promo
        subscription.promo_periods_used = 0
        subscription.save(update_fields=["promo", "promo_periods_used", "updated_at"])
        audit_record(action="subscription.promo_applied", actor=actor, target=subscription,
                     tenant=subscription.tenant, changes={"promo": [before, promo.code]})
    return subscription


def promo_saved(*, promo: PromoCode, actor, created: bool) -> None:
    """Audit a promo code written by the portal form (its plans included)."""
    state = {**snapshot(promo, ("code", "kind", "value", "duration", "duration_periods", "expires_at",
                                "max_redemptions", "is_active")),
             "plans": sorted(promo.plans.values_list("code", flat=True))}
    audit_record(action="promo.created" if created else "promo.changed", actor=actor, target=promo,
                 changes=diff({}, state) if created else {}, metadata={} if created else {"state": state})


# --- Subscriptions and invoices ---------------------------------------------------------------


def _period_end(plan: Plan, start: dt.date) -> dt.date:
    return start + (relativedelta(years=1) if plan.billing_period == Plan.Period.YEARLY else relativedelta(months=1))


def subscription_start(*, tenant, plan: Plan, actor=None, today: dt.date | None = None) -> Subscription:
    """The tenant's subscription: a trial when the plan has one, otherwise awaiting its
    first payment (an open invoice, paid through checkout)."""
    today = today or _today()
    if Subscription.objects.filter(tenant=tenant).exists():
        raise Conflict(_("This tenant already has a subscription."), code="subscription_exists")
    trial_end = today + dt.timedelta(days=plan.trial_days) if plan.trial_days else None
    subscription = Subscription(
        tenant=tenant, plan=plan,
        status=Subscription.Status.TRIALING if trial_end else Subscription.Status.INCOMPLETE,
        current_period_start=today, current_period_end=trial_end or _period_end(plan, today), trial_ends_on=trial_end)
    subscription.full_clean(exclude=["tenant"])
    with transaction.atomic():
        subscription.save()
        if tenant.plan_id != plan.pk:
            type(tenant).objects.filter(pk=tenant.pk).update(plan=plan)
            tenant.plan = plan
            _forget_tenant(tenant)
        audit_record(action="subscription.started", actor=actor, target=subscription, tenant=tenant,
                     changes={"status": [None, subscription.status], "plan": [None, plan.code]})
        if not trial_end:
            if plan.prices.filter(effective_from__lte=today).exists():
                invoice = invoice_issue_for_period(subscription=subscription, issue_date=today)
                paid = invoice.status == Invoice.Status.PAID
            else:
                paid = True  # a plan without a price is free
            if paid:
                subscription.status = Subscription.Status.ACTIVE
                subscription.save(update_fields=["status", "updated_at"])
    return subscription


def _forget_tenant(tenant) -> None:
    from apps.tenants.routing import forget_hosts

    hosts = list(tenant.domains.values_list("domain", flat=True))
    tenant_id = tenant.pk
    transaction.on_commit(lambda: (forget_hosts(hosts), limits_forget(tenant_ids=[tenant_id])))


def _next_invoice_number(year: int) -> str:
    InvoiceSequence.objects.get_or_create(year=year)
    sequence = InvoiceSequence.objects.select_for_update().get(year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"INV-{year}-{sequence.last_number:06d}"


def _invoice_create(*, subscription: Subscription, issue_date: dt.date, period_start: dt.date,
                    period_end: dt.date, currency: str, lines: list[tuple[str, str, Decimal, Decimal]]) -> Invoice:
    """lines: (kind, description, quantity, unit amount); negative amounts reduce the bill."""
    built = [InvoiceLine(kind=kind, description=str(text)[:200], quantity=qty, unit_amount=unit,
                         amount=_money(unit * qty, currency)) for kind, text, qty, unit in lines]
    subtotal = sum((line.amount for line in built if line.amount > 0), Decimal("0"))
    reductions = -sum((line.amount for line in built if line.amount < 0), Decimal("0"))
    taxable = max(subtotal - reductions, Decimal("0"))
    tax = _tax(taxable, currency)
    invoice = Invoice(
        number=_next_invoice_number(issue_date.year), tenant=subscription.tenant, subscription=subscription,
        status=Invoice.Status.OPEN if taxable > 0 else Invoice.Status.PAID, issue_date=issue_date,
        due_date=issue_date + dt.timedelta(days=settings.BILLING_DUE_DAYS), period_start=period_start,
        period_end=period_end, currency=currency, subtotal=subtotal, discount=min(reductions, subtotal), tax=tax,
        total=taxable + tax, paid_at=None if taxable > 0 else timezone.now())
    invoice.save()
    for line in built:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(built)
    audit_record(action="invoice.issued", target=invoice, tenant=subscription.tenant,
                 changes={"status": [None, invoice.status]}, metadata={"total": str(invoice.total)})
    if invoice.status == Invoice.Status.OPEN:
        # Charged automatically when a payment method is saved; otherwise the mail carries
        # a hosted checkout.
        pay_url = ("" if subscription.payment_method
                   else payment_provider().checkout_url(payment=_new_payment(invoice, off_session=False)))
        emails.invoice_issued_send(invoice=invoice, pay_url=pay_url)
    return invoice


@transaction.atomic
def invoice_issue_for_period(*, subscription: Subscription, issue_date: dt.date) -> Invoice:
    """The invoice for the subscription's current period at the prices in force on
    `issue_date`: plan, add-ons, promo discount, then any credit."""
    price = price_in_force(plan=subscription.plan, on=issue_date)
    currency = price.currency
    plan_name = subscription.plan.name
    lines = [(InvoiceLine.Kind.PLAN, gettext("%(plan)s plan, %(start)s to %(end)s") % {
        "plan": plan_name, "start": subscription.current_period_start, "end": subscription.current_period_end},
        Decimal("1"), price.amount)]
    for item in subscription.addons.select_related("addon"):
        lines.append((InvoiceLine.Kind.ADDON, item.addon.name, Decimal(item.quantity), item.addon.price))
    gross = sum((qty * unit for _k, _t, qty, unit in lines), Decimal("0"))
    discount = promo_discount(promo=subscription.promo, periods_used=subscription.promo_periods_used,
                              amount=gross, currency=currency)
    if discount:
        lines.append((InvoiceLine.Kind.DISCOUNT, gettext("Promo code %(code)s") % {"code": subscription.promo.code},
                      Decimal("1"), -discount))
        subscription.promo_periods_used += 1
    credit = min(subscription.credit, gross - discount)
    if credit > 0:
        lines.append((InvoiceLine.Kind.CREDIT, gettext("Credit from earlier changes"), Decimal("1"), -credit))
        subscription.credit -= credit
    subscription.save(update_fields=["promo_periods_used", "credit", "updated_at"])
    return _invoice_create(subscription=subscription, issue_date=issue_date,
                           period_start=subscription.current_period_start,
                           period_end=subscription.current_period_end, currency=currency, lines=lines)


def subscription_change_plan(*, subscription: Subscription, plan: Plan, actor, reason: str = "",
                             today: dt.date | None = None) -> Invoice | None:
    """Move to another plan now. Mid-period, the unused time of the old plan is credited
    and the remaining time of the new plan charged (proration): an upgrade gets an
    invoice for the difference, a downgrade leaves a credit for the next invoice.

    The subscription owns the plan. `Tenant.plan` is a denormalised copy for routing,
    flags and limits, written here (and when the subscription starts) and nowhere else
    once a subscription exists."""
    today = today or _today()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update(of=("self",)).select_related(
            "plan", "tenant").get(pk=subscription.pk)
        old_plan = subscription.plan
        if plan.pk == old_plan.pk:
            raise BillingError(_("The tenant is already on this plan."), code="same_plan")
        if not plan.is_active:
            raise BillingError(_("This plan is no longer available."), code="plan_unavailable")
        invoice = None
        if subscription.status in _PRORATED:
            invoice = _prorate(subscription=subscription, old_plan=old_plan, new_plan=plan, today=today)
        subscription.plan = plan
        subscription.save(update_fields=["plan", "credit", "updated_at"])
        tenant = subscription.tenant
        type(tenant).objects.filter(pk=tenant.pk).update(plan=plan)
        tenant.plan = plan
        _forget_tenant(tenant)  # routing (plan code), limits and rate limits
        audit_record(action="subscription.plan_changed", actor=actor, target=subscription, tenant=tenant,
                     changes={"plan": [old_plan.code, plan.code]},
                     metadata={"invoice": invoice.number if invoice else None, "credit": str(subscription.credit),
                               **({"reason": reason} if reason else {})})
    if invoice is not None and invoice.status == Invoice.Status.OPEN and subscription.payment_method:
        invoice_charge(invoice=invoice)
    return invoice


def subscription_owner_change_plan(*, tenant, plan_code: str, actor) -> Invoice | None:
    """Self-service upgrade or downgrade by the workspace owner: self-sign-up plans only."""
    plan = Plan.objects.filter(code=plan_code, is_active=True, self_signup=True).first()
    if plan is None:
        raise BillingError(_("There is no self-service plan %(code)s. Ask us about other plans.")
                           % {"code": plan_code}, code="plan_unavailable", details={"plan": plan_code})
    subscription = Subscription.objects.filter(tenant=tenant).first()
    if subscription is None:
        raise NotFound(_("This workspace has no subscription."), code="no_subscription")
    return subscription_change_plan(subscription=subscription, plan=plan, actor=actor)


class PlanChangeForbidden(PlatformError):
    code = "permission_denied"
    status = 403
    message = _("You may not change tenants' plans.")


def tenant_change_plan(*, tenant, plan: Plan, actor, reason: str = "") -> Invoice | None:
    """HQ changes a tenant's plan (the ops portal's "Change plan"). With a subscription,
    this is `subscription_change_plan`; a tenant without one starts one on `plan` when it
    is live, or, still waiting for approval, gets `plan` as the plan its subscription
    will start on. Returns the invoice issued now, if any."""
    from apps.tenants.models import Tenant

    if actor is None or not actor.has_perm("billing.change_subscription"):
        raise PlanChangeForbidden()
    subscription = Subscription.objects.filter(tenant=tenant).first()
    if subscription is not None:
        return subscription_change_plan(subscription=subscription, plan=plan, actor=actor, reason=reason)
    if not plan.is_active:
        raise BillingError(_("This plan is no longer available."), code="plan_unavailable")
    if tenant.status in (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED):
        subscription = subscription_start(tenant=tenant, plan=plan, actor=actor)
        return subscription.invoices.filter(status=Invoice.Status.OPEN).first()
    if tenant.status not in (Tenant.Status.REQUESTED, Tenant.Status.APPROVED, Tenant.Status.FAILED):
        raise BillingError(_("The plan of a %(status)s tenant cannot be changed.")
                           % {"status": tenant.get_status_display().lower()}, code="plan_change_not_allowed",
                           status=409)
    with transaction.atomic():
        stored = Tenant.objects.select_for_update(of=("self",)).select_related("plan").get(pk=tenant.pk)
        before = stored.plan.code if stored.plan else None
        if stored.plan_id == plan.pk:
            raise BillingError(_("The tenant is already on this plan."), code="same_plan")
        Tenant.objects.filter(pk=tenant.pk).update(plan=plan)
        tenant.plan = plan
        _forget_tenant(tenant)
        audit_record(action="tenant.plan_requested", actor=actor, target=stored, tenant=stored,
                     changes={"plan": [before, plan.code]}, metadata={"reason": reason} if reason else {})
    return None


_PRORATED = (Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE)


def plan_change_quote(*, subscription: Subscription, plan: Plan, today: dt.date | None = None) -> dict:
    """What `subscription_change_plan` would bill today, writing nothing: the prorated
    invoice's total (VAT included) due now, or the credit left for the next invoice."""
    today = today or _today()
    if subscription.status not in _PRORATED:
        return {"due_now": Decimal("0"), "credit": Decimal("0"), "currency": None}
    credit, charge, currency = _proration(subscription=subscription, old_plan=subscription.plan, new_plan=plan,
                                          today=today)
    net = charge - credit
    if net <= 0:
        return {"due_now": Decimal("0"), "credit": -net, "currency": currency}
    return {"due_now": net + _tax(net, currency), "credit": Decimal("0"), "currency": currency}


def proration_amounts(*, old_amount: Decimal, new_amount: Decimal, period_start: dt.date, period_end: dt.date,
                      today: dt.date) -> tuple[Decimal, Decimal]:
    """(credit for the old plan's unused time, charge for the new plan's remaining time)."""
    total_days = (period_end - period_start).days
    remaining = min(max((period_end - today).days, 0), total_days)
    if total_days <= 0:
        return Decimal("0"), Decimal("0")
    share = Decimal(remaining) / Decimal(total_days)
    return old_amount * share, new_amount * share


def _proration(*, subscription, old_plan, new_plan, today) -> tuple[Decimal, Decimal, str]:
    old_price = price_in_force(plan=old_plan, on=today)
    new_price = price_in_force(plan=new_plan, on=today)
    if old_price.currency != new_price.currency:
        raise BillingError(_("Plans in different currencies cannot be switched mid-period."), code="currency_mismatch")
    currency = new_price.currency
    credit, charge = proration_amounts(old_amount=old_price.amount, new_amount=new_price.amount,
                                       period_start=subscription.current_period_start,
                                       period_end=subscription.current_period_end, today=today)
    return _money(credit, currency), _money(charge, currency), currency


def _prorate(*, subscription, old_plan, new_plan, today) -> Invoice | None:
    credit, charge, currency = _proration(subscription=subscription, old_plan=old_plan, new_plan=new_plan,
                                          today=today)
    if charge - credit <= 0:
        subscription.credit += credit - charge
        return None
    lines = [
        (InvoiceLine.Kind.PRORATION, gettext("Unused time on %(plan)s") % {"plan": old_plan.name}, Decimal("1"),
         -credit),
        (InvoiceLine.Kind.PRORATION, gettext("Remaining time on %(plan)s") % {"plan": new_plan.name}, Decimal("1"),
         charge),
    ]
    return _invoice_create(subscription=subscription, issue_date=today, period_start=today,
                           period_end=subscription.current_period_end, currency=currency, lines=lines)


# --- Payments ---------------------------------------------------------------------------------


def _new_payment(invoice: Invoice, *, off_session: bool) -> Payment:
    if invoice.status != Invoice.Status.OPEN:
        raise BillingError(_("Invoice %(number)s is %(status)s; only open invoices can be paid.")
                           % {"number": invoice.number, "status": invoice.get_status_display()},
                           code="invoice_not_open", status=409)
    provider = payment_provider()
    return Payment.objects.create(invoice=invoice, provider=provider.name, reference=provider.new_reference(),
                                  amount=invoice.total, currency=invoice.currency, off_session=off_session)


def invoice_checkout(*, invoice: Invoice, actor=None) -> tuple[Payment, str]:
    """Start a hosted checkout for an open invoice: (payment, URL to send the payer to)."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        payment = _new_payment(invoice, off_session=False)
        audit_record(action="payment.checkout_started", actor=actor, target=payment, tenant=invoice.tenant,
                     metadata={"invoice": invoice.number, "amount": str(payment.amount)})
    return payment, payment_provider().checkout_url(payment=payment)


def invoice_void(*, invoice: Invoice, actor, reason: str) -> Invoice:
    """Cancel an open invoice issued in error (HQ). Its number stays used."""
    if not (reason or "").strip():
        raise BillingError(_("Say why the invoice is voided."), code="reason_required")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("tenant").get(pk=invoice.pk)
        if invoice.status not in (Invoice.Status.OPEN, Invoice.Status.DRAFT):
            raise BillingError(_("Only open invoices can be voided."), code="invoice_not_open", status=409)
        before = invoice.status
        invoice.status = Invoice.Status.VOID
        invoice.save(update_fields=["status"])
        Payment.objects.filter(invoice=invoice, status=Payment.Status.PENDING).update(
            status=Payment.Status.FAILED, failure_reason="invoice_void", completed_at=timezone.now())
        audit_record(action="invoice.voided", actor=actor, target=invoice, tenant=invoice.tenant,
                     changes={"status": [before, invoice.status]}, metadata={"reason": reason})
    return invoice


def subscription_checkout(*, tenant, actor) -> tuple[Payment, str]:
    """Checkout for the tenant's oldest open invoice."""
    invoice = Invoice.objects.filter(tenant=tenant, status=Invoice.Status.OPEN).order_by("issue_date", "pk").first()
    if invoice is None:
        raise NotFound(_("There is nothing to pay: no open invoice."), code="no_open_invoice")
    return invoice_checkout(invoice=invoice, actor=actor)


def invoice_charge(*, invoice: Invoice) -> Payment:
    """Charge the subscription's saved payment method off-session (renewal, dunning)."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("subscription").get(pk=invoice.pk)
        payment = _new_payment(invoice, off_session=True)
        payment_provider().charge(payment=payment, payment_method=invoice.subscription.payment_method)
    return payment


def payment_succeeded(*, reference: str, payment_method: str = "") -> Payment:
    """Provider says paid: the invoice is paid, the subscription active, a tenant
    suspended for non-payment reopens. Idempotent."""
    from apps.tenants.lifecycle import tenant_reactivate
    from apps.tenants.models import Tenant

    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("invoice").filter(reference=reference).first()
        if payment is None:
            raise NotFound(_("Unknown payment %(reference)s.") % {"reference": reference}, code="unknown_payment")
        if payment.status == Payment.Status.SUCCEEDED:
            return payment
        payment.status = Payment.Status.SUCCEEDED
        payment.completed_at = timezone.now()
        payment.save(update_fields=["status", "completed_at"])
        invoice = Invoice.objects.select_for_update().select_related("tenant").get(pk=payment.invoice_id)
        if invoice.status in (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE):
            invoice.status = Invoice.Status.PAID
            invoice.paid_at = payment.completed_at
            invoice.save(update_fields=["status", "paid_at"])
            emails.receipt_send(invoice=invoice, payment=payment)
        subscription = Subscription.objects.select_for_update().select_related("tenant").get(pk=invoice.subscription_id)
        before = subscription.status
        if payment_method:
            subscription.payment_method = payment_method
        still_open = Invoice.objects.filter(subscription=subscription, status=Invoice.Status.OPEN).exists()
        if before != Subscription.Status.CANCELLED and not still_open:
            subscription.status = Subscription.Status.ACTIVE
            subscription.past_due_since = None
            subscription.next_retry_at = None
            subscription.dunning_attempts = 0
        subscription.save()
        audit_record(action="payment.succeeded", target=payment, tenant=subscription.tenant,
                     changes=diff({"subscription": before}, {"subscription": subscription.status}),
                     metadata={"invoice": invoice.number, "amount": str(payment.amount)})
        tenant = subscription.tenant
        if (before == Subscription.Status.SUSPENDED and subscription.status == Subscription.Status.ACTIVE
                and tenant.status == Tenant.Status.SUSPENDED):
            tenant_reactivate(tenant=tenant, actor=None,
                              reason=gettext("Invoice %(number)s paid") % {"number": invoice.number})
            _forget_tenant(tenant)
    return payment


def payment_failed(*, reference: str, reason: str) -> Payment:
    """Provider says the payment failed: the subscription goes past due and dunning
    starts (retries on BILLING_DUNNING_RETRY_DAYS, then suspension). Idempotent."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("invoice").filter(reference=reference).first()
        if payment is None:
            raise NotFound(_("Unknown payment %(reference)s.") % {"reference": reference}, code="unknown_payment")
        if payment.status != Payment.Status.PENDING:
            return payment
        payment.status = Payment.Status.FAILED
        payment.failure_reason = (reason or "")[:200]
        payment.completed_at = timezone.now()
        payment.save(update_fields=["status", "failure_reason", "completed_at"])
        subscription = Subscription.objects.select_for_update().select_related("tenant").get(
            pk=payment.invoice.subscription_id)
        before = subscription.status
        if subscription.status in (Subscription.Status.ACTIVE, Subscription.Status.INCOMPLETE,
                                   Subscription.Status.TRIALING):
            now = timezone.now()
            subscription.status = Subscription.Status.PAST_DUE
            subscription.past_due_since = now
            subscription.dunning_attempts = 0
            subscription.next_retry_at = now + dt.timedelta(days=settings.BILLING_DUNNING_RETRY_DAYS[0])
            subscription.save()
            _dunning_notice(subscription, "failed", invoice=payment.invoice, reason=payment.failure_reason)
        audit_record(action="payment.failed", target=payment, tenant=subscription.tenant,
                     changes=diff({"subscription": before}, {"subscription": subscription.status}),
                     metadata={"invoice": payment.invoice.number, "reason": payment.failure_reason})
    return payment


# --- Dunning ----------------------------------------------------------------------------------


def dunning_run(*, now: dt.datetime | None = None) -> dict:
    """Beat: retry past-due payments on schedule, emailing the owner each time, and
    suspend tenants still unpaid after the grace period."""
    now = now or timezone.now()
    done = {"retried": 0, "suspended": 0}
    due = Subscription.objects.filter(status=Subscription.Status.PAST_DUE, next_retry_at__lte=now)
    for subscription_id in due.values_list("pk", flat=True):
        outcome = _dunning_step(subscription_id=subscription_id, now=now)
        if outcome:
            done[outcome] += 1
    return done


def _dunning_step(*, subscription_id: int, now: dt.datetime) -> str | None:
    from apps.tenants.lifecycle import tenant_suspend
    from apps.tenants.models import Tenant

    retry_days = settings.BILLING_DUNNING_RETRY_DAYS
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().select_related("tenant").get(pk=subscription_id)
        if subscription.status != Subscription.Status.PAST_DUE or subscription.next_retry_at > now:
            return None
        invoice = (Invoice.objects.filter(subscription=subscription, status=Invoice.Status.OPEN)
                   .order_by("issue_date", "pk").first())
        grace_end = subscription.past_due_since + dt.timedelta(days=settings.BILLING_GRACE_DAYS)
        if invoice is None:
            subscription.status = Subscription.Status.ACTIVE
            subscription.next_retry_at = None
            subscription.save()
            return None
        if now >= grace_end:
            subscription.status = Subscription.Status.SUSPENDED
            subscription.next_retry_at = None
            subscription.save()
            tenant = subscription.tenant
            if tenant.status == Tenant.Status.ACTIVE:
                tenant_suspend(tenant=tenant, actor=None,
                               reason=gettext("Unpaid invoice %(number)s") % {"number": invoice.number})
            _forget_tenant(tenant)
            _dunning_notice(subscription, "suspended", invoice=invoice)
            return "suspended"
        subscription.dunning_attempts += 1
        attempt = subscription.dunning_attempts
        subscription.next_retry_at = (subscription.past_due_since + dt.timedelta(days=retry_days[attempt])
                                      if attempt < len(retry_days) else grace_end)
        subscription.save()
        audit_record(action="subscription.payment_retried", target=subscription, tenant=subscription.tenant,
                     metadata={"attempt": attempt, "invoice": invoice.number,
                               "next": subscription.next_retry_at.isoformat()})
        _dunning_notice(subscription, "retry", invoice=invoice, attempt=attempt)
        if subscription.payment_method:
            invoice_charge(invoice=invoice)
    return "retried"


def _dunning_notice(subscription: Subscription, kind: str, *, invoice: Invoice, reason: str = "",
                    attempt: int = 0) -> None:
    # Each notice carries its own hosted checkout, on the public host: it works even
    # when the workspace itself is suspended.
    pay_url = payment_provider().checkout_url(payment=_new_payment(invoice, off_session=False))
    emails.dunning_notice_send(subscription=subscription, kind=kind, invoice=invoice, pay_url=pay_url,
                               reason=reason, attempt=attempt)


# --- Renewal ----------------------------------------------------------------------------------


def subscriptions_renew(*, today: dt.date | None = None) -> int:
    """Beat: end trials and start new periods that are due, invoice them and charge the
    saved payment method (a missing one counts as a failed payment)."""
    today = today or _today()
    due = Subscription.objects.filter(
        status__in=[Subscription.Status.TRIALING, Subscription.Status.ACTIVE], current_period_end__lte=today)
    count = 0
    for subscription_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update(of=("self",)).select_related("plan", "tenant").get(
                pk=subscription_id)
            if subscription.current_period_end > today:
                continue
            subscription.current_period_start = subscription.current_period_end
            subscription.current_period_end = _period_end(subscription.plan, subscription.current_period_start)
            subscription.save()
            invoice = invoice_issue_for_period(subscription=subscription, issue_date=today)
            count += 1
        if invoice.status == Invoice.Status.OPEN:
            invoice_charge(invoice=invoice)
    return count


# --- Add-on requests --------------------------------------------------------------------------


def addon_request_create(*, tenant, addon: AddOn, quantity: int, note: str, user) -> AddOnRequest:
    if not addon.is_active:
        raise BillingError(_("This add-on is not available."), code="addon_unavailable")
    if AddOnRequest.objects.filter(tenant=tenant, addon=addon, status=AddOnRequest.Status.PENDING).exists():
        raise Conflict(_("You already have a pending request for this add-on."), code="addon_request_pending")
    request = AddOnRequest(tenant=tenant, addon=addon, quantity=quantity, note=note, requested_by=user)
    request.full_clean()
    with transaction.atomic():
        request.save()
        audit_record(action="addon.requested", actor=user, target=request, tenant=tenant,
                     metadata={"addon": addon.code, "quantity": quantity})
    return request


def addon_request_decide(*, addon_request: AddOnRequest, approve: bool, actor, note: str = "") -> AddOnRequest:
    """HQ decision. Approval adds the add-on (quantity) to the tenant's subscription."""
    with transaction.atomic():
        addon_request = AddOnRequest.objects.select_for_update().select_related("tenant", "addon").get(
            pk=addon_request.pk)
        if addon_request.status != AddOnRequest.Status.PENDING:
            raise Conflict(_("This request was already decided."), code="already_decided")
        if approve:
            subscription = Subscription.objects.filter(tenant=addon_request.tenant).first()
            if subscription is None:
                raise BillingError(_("The tenant has no subscription to add this to."), code="no_subscription")
            item, created = SubscriptionAddOn.objects.get_or_create(
                subscription=subscription, addon=addon_request.addon, defaults={"quantity": addon_request.quantity})
            if not created:
                item.quantity += addon_request.quantity
                item.save(update_fields=["quantity"])
            _forget_tenant(addon_request.tenant)
        addon_request.status = AddOnRequest.Status.APPROVED if approve else AddOnRequest.Status.REJECTED
        addon_request.decided_by = actor
        addon_request.decided_at = timezone.now()
        addon_request.decision_note = note
        addon_request.save()
        audit_record(action=f"addon.request_{addon_request.status}", actor=actor, target=addon_request,
                     tenant=addon_request.tenant,
                     changes={"status": [AddOnRequest.Status.PENDING, addon_request.status]},
                     metadata={"addon": addon_request.addon.code, "quantity": addon_request.quantity, "note": note})
    if approve and addon_request.addon.feature_flag:
        _flags_changed()
    return addon_request


def _flags_changed() -> None:
    try:
        from apps.flags.cache import flags_invalidate
    except ImportError:  # flags app not installed
        return
    flags_invalidate()


# --- Provisioning -----------------------------------------------------------------------------


def provisioning_start_subscription(*, tenant, owner) -> None:
    """Provisioning step: subscribe the tenant to its plan (or its industry's default)."""
    plan = tenant.plan
    if plan is None:
        from apps.industry.selectors import default_plan_for

        plan = default_plan_for(business_type=tenant.business_type)
    if plan is None or Subscription.objects.filter(tenant=tenant).exists():
        return
    subscription_start(tenant=tenant, plan=plan)
