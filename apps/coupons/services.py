"""Coupon writes and the rules of applying one: create and edit (validated, audited),
quote (may this customer use it on this order, and for how much), redeem atomically at
order creation, release when the order is cancelled, claim into a customer's wallet.

Redeeming locks the coupon's row until the order's transaction ends: two orders for the
last use of a coupon queue there, and the second is refused (`coupon_exhausted`,
`coupon_customer_limit`). The count is raised by a conditional UPDATE, and the database's
check constraint (used_count <= total_limit) is the floor under both."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.changes import diff, model_update, snapshot
from apps.core.money import Money
from apps.rbac.tenancy import current_tenant

from .errors import (
    CouponAlreadyClaimed,
    CouponCustomerLimit,
    CouponExhausted,
    CouponExpired,
    CouponFirstOrderOnly,
    CouponInactive,
    CouponInUse,
    CouponMinOrder,
    CouponNotFound,
    CouponNotStarted,
)
from .models import Coupon, CouponClaim, CouponRedemption

FIELDS = ["code", "name", "kind", "percent", "amount", "max_discount", "currency", "min_order_amount", "valid_from",
          "valid_until", "per_customer_limit", "total_limit", "first_order_only", "is_active"]
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")


def code_normalize(code) -> str:
    return (code or "").strip().upper() if isinstance(code, str) else ""


def _audit(action: str, *, actor, coupon: Coupon | None = None, target=None, changes=None, metadata=None) -> None:
    audit_record(action=action, actor=actor, target=target if target is not None else coupon,
                 tenant=current_tenant(), changes=changes, metadata=metadata)


# --- Staff: create, edit, delete ---------------------------------------------------------


def coupon_validate(coupon: Coupon) -> None:
    """The rules a form cannot say alone: one kind of value, a window that ends after it
    starts, a total limit not below the uses so far; then the model's own validation."""
    errors: dict[str, list[str]] = {}
    coupon.code = code_normalize(coupon.code)
    if not CODE_PATTERN.match(coupon.code):
        errors["code"] = [_("Use 3 to 40 letters, digits, “-” or “_”, e.g. WELCOME10.")]
    if coupon.kind == Coupon.Kind.PERCENT:
        if coupon.percent is None:
            errors["percent"] = [_("Give the percentage off (1 to 100).")]
        coupon.amount = None
    elif coupon.kind == Coupon.Kind.FIXED:
        if coupon.amount is None:
            errors["amount"] = [_("Give the amount off.")]
        coupon.percent, coupon.max_discount = None, None
    if coupon.valid_from and coupon.valid_until and coupon.valid_until <= coupon.valid_from:
        errors["valid_until"] = [_("The end of the validity must come after its start.")]
    if coupon.total_limit is not None and coupon.pk and coupon.total_limit < coupon.used_count:
        errors["total_limit"] = [_("It has been used %(count)s times already: the total cannot be lower.")
                                 % {"count": coupon.used_count}]
    coupon.currency = (coupon.currency or settings.COMMERCE_CURRENCY).upper()
    try:
        # the table's constraints say the same as the checks above, in a database's words
        coupon.full_clean(validate_constraints=not errors)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def coupon_create(*, actor, **data) -> Coupon:
    coupon = Coupon(**{name: value for name, value in data.items() if name in FIELDS})
    coupon_validate(coupon)
    with transaction.atomic():
        coupon.save()
        _audit("coupon.created", actor=actor, coupon=coupon, changes=diff({}, snapshot(coupon, FIELDS)))
    return coupon


def coupon_update(*, coupon: Coupon, actor, **data) -> Coupon:
    """Change what `data` names; the use count moves only through redemptions."""
    with transaction.atomic():
        locked = Coupon.objects.select_for_update().get(pk=coupon.pk)
        for name, value in data.items():
            if name in FIELDS:
                setattr(locked, name, value)
        coupon_validate(locked)
        changes = model_update(locked, data={name: getattr(locked, name) for name in FIELDS}, fields=FIELDS,
                               clean=False)
        if changes:
            _audit("coupon.updated", actor=actor, coupon=locked, changes=changes)
    return locked


def coupon_delete(*, coupon: Coupon, actor) -> None:
    """Only a coupon no order used; a used one is deactivated instead (`coupon_in_use`)."""
    with transaction.atomic():
        locked = Coupon.objects.select_for_update().get(pk=coupon.pk)
        used = CouponRedemption.objects.filter(coupon=locked).count()
        if used:
            raise CouponInUse(details={"used": used})
        _audit("coupon.deleted", actor=actor, coupon=locked, changes=diff(snapshot(locked, FIELDS), {}))
        locked.delete()


# --- Applying a coupon -------------------------------------------------------------------


def coupon_discount(coupon: Coupon, subtotal: int) -> int:
    """What the coupon takes off `subtotal` (minor units): a percentage (half up, capped
    by max_discount) or a fixed amount, never more than the subtotal."""
    if subtotal <= 0:
        return 0
    if coupon.kind == Coupon.Kind.PERCENT:
        discount = Money(subtotal, coupon.currency).percent(coupon.percent or 0).amount
        if coupon.max_discount:
            discount = min(discount, coupon.max_discount)
    else:
        discount = coupon.amount or 0
    return max(0, min(discount, subtotal))


def _window_check(coupon: Coupon, now: dt.datetime) -> None:
    if not coupon.is_active:
        raise CouponInactive(details={"code": coupon.code})
    if coupon.valid_from and now < coupon.valid_from:
        raise CouponNotStarted(_("This coupon can be used from %(date)s.") % {
            "date": timezone.localtime(coupon.valid_from).strftime("%Y-%m-%d %H:%M")},
            details={"code": coupon.code, "valid_from": coupon.valid_from.isoformat()})
    if coupon.valid_until and now >= coupon.valid_until:
        raise CouponExpired(details={"code": coupon.code, "valid_until": coupon.valid_until.isoformat()})


def coupon_quote(*, code: str, customer, subtotal: int, is_first_order: bool | Callable[[], bool],
                 now: dt.datetime | None = None, for_update: bool = False) -> tuple[Coupon, int]:
    """The coupon named `code` and what it takes off an order of `subtotal` for
    `customer` (None: an order without a customer; per-customer rules do not apply), or
    the reason it cannot be used. `is_first_order` may be a function, asked only when the
    coupon is first-order-only. `for_update` locks the coupon's row (in the caller's
    transaction) so that the answer holds until it commits."""
    now = now or timezone.now()
    normalized = code_normalize(code)
    queryset = Coupon.objects.select_for_update() if for_update else Coupon.objects.all()
    coupon = queryset.filter(code=normalized).first() if normalized else None
    if coupon is None:
        raise CouponNotFound(details={"code": code if isinstance(code, str) else ""})
    _window_check(coupon, now)
    if coupon.total_limit is not None and coupon.used_count >= coupon.total_limit:
        raise CouponExhausted(details={"code": coupon.code})
    if customer is not None:
        used = CouponRedemption.objects.filter(coupon=coupon, customer=customer).count()
        if used >= coupon.per_customer_limit:
            raise CouponCustomerLimit(details={"code": coupon.code, "limit": coupon.per_customer_limit})
    if coupon.first_order_only:
        first = is_first_order() if callable(is_first_order) else is_first_order
        if customer is None or not first:
            raise CouponFirstOrderOnly(details={"code": coupon.code})
    if subtotal < coupon.min_order_amount:
        minimum = Money(coupon.min_order_amount, coupon.currency)
        raise CouponMinOrder(_("This coupon needs an order of at least %(min)s.") % {"min": minimum.format()},
                             details={"code": coupon.code, "min": coupon.min_order_amount,
                                      "currency": coupon.currency, "subtotal": subtotal})
    return coupon, coupon_discount(coupon, subtotal)


def coupon_redeem(*, code: str, customer, subtotal: int, is_first_order: bool | Callable[[], bool],
                  order_id: int, order_number: int, now: dt.datetime | None = None) -> tuple[Coupon, int]:
    """Use the coupon on order `order_id`: checked under the coupon's row lock, counted,
    recorded. Call inside the order's transaction (the lock is held until it ends, so a
    concurrent order for the last use waits here and is then refused). No savepoint of
    its own: a refusal here is the refusal of the whole order."""
    with transaction.atomic(savepoint=False):
        coupon, discount = coupon_quote(code=code, customer=customer, subtotal=subtotal,
                                        is_first_order=is_first_order, now=now, for_update=True)
        counted = (Coupon.objects.filter(pk=coupon.pk)
                   .filter(Q(total_limit__isnull=True) | Q(used_count__lt=F("total_limit")))
                   .update(used_count=F("used_count") + 1))
        if not counted:  # not reachable under the lock; the constraint would refuse it anyway
            raise CouponExhausted(details={"code": coupon.code})
        coupon.used_count += 1
        CouponRedemption.objects.create(coupon=coupon, customer=customer, order_id=order_id,
                                        order_number=order_number, discount=discount, currency=coupon.currency)
    return coupon, discount


def coupon_release(*, order_id: int) -> CouponRedemption | None:
    """Give the use back when the order is cancelled (inside the cancel's transaction)."""
    with transaction.atomic():
        redemption = (CouponRedemption.objects.select_for_update().select_related("coupon")
                      .filter(order_id=order_id).first())
        if redemption is None:
            return None
        Coupon.objects.filter(pk=redemption.coupon_id, used_count__gt=0).update(used_count=F("used_count") - 1)
        redemption.delete()
    return redemption


# --- Customers' wallets ------------------------------------------------------------------


def coupon_claim(*, code: str, customer, actor=None, now: dt.datetime | None = None) -> CouponClaim:
    """Put the coupon named `code` in the customer's wallet (my/coupons). A coupon that is
    inactive or over is refused; one that starts later may be claimed ahead."""
    now = now or timezone.now()
    coupon = Coupon.objects.filter(code=code_normalize(code)).first() if code_normalize(code) else None
    if coupon is None:
        raise CouponNotFound(details={"code": code if isinstance(code, str) else ""})
    if not coupon.is_active:
        raise CouponInactive(details={"code": coupon.code})
    if coupon.valid_until and now >= coupon.valid_until:
        raise CouponExpired(details={"code": coupon.code, "valid_until": coupon.valid_until.isoformat()})
    with transaction.atomic():
        if CouponClaim.objects.filter(coupon=coupon, customer=customer).exists():
            raise CouponAlreadyClaimed(details={"code": coupon.code})
        try:
            with transaction.atomic():
                claim = CouponClaim.objects.create(coupon=coupon, customer=customer)
        except IntegrityError:  # the same claim at the same moment
            raise CouponAlreadyClaimed(details={"code": coupon.code}) from None
        _audit("coupon.claimed", actor=actor if actor is not None else getattr(customer, "user", None),
               target=coupon, metadata={"customer": customer.pk, "code": coupon.code})
    claim.coupon = coupon
    return claim
