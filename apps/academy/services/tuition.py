"""Monthly tuition: an invoice per active enrolment in a course billed per month, for
the month its billing day falls in, paid through its order (online, the payment
provider) or recorded by the front desk (cash, bank transfer).

What a month costs (`tuition_quote`): the course's monthly price; when the student
starts after the month's first session, the share of the month's sessions they can
attend (sessions counted from the schedule's weekdays less the academy's holidays,
whatever the class's own dates); less the sibling discount (the academy's chosen
coupon, for every child but the first of a family). The enrolment's own order is its
first invoice (apps.academy.services.enrolments.order_place); the beat issues the rest
on the billing day and reminds guardians of what is overdue."""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.changes import model_update
from apps.core.errors import InvalidData, PlatformError
from apps.coupons.services import coupon_discount
from apps.crm.selectors import siblings_of
from apps.events.services import event_record

from .. import events
from ..errors import TuitionNotDue, TuitionNotOpen
from ..models import AcademySettings, Class, CourseDetails, Enrolment, Holiday, TuitionInvoice
from .common import _audit, academy_order, billed_per_pass, branch_offering
from .sessions import _slots

INVOICE = TuitionInvoice.Status
logger = logging.getLogger(__name__)


def academy_settings() -> AcademySettings:
    """The workspace's billing rules (its migration makes the row; the defaults if it is gone)."""
    return AcademySettings.objects.select_related("sibling_coupon").first() or AcademySettings(pk=1)


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class Quote:
    period: dt.date
    list_amount: int
    sessions_in_month: int
    sessions_billed: int
    proration: int
    sibling_discount: int
    coupon_code: str

    @property
    def total(self) -> int:
        return max(0, self.list_amount - self.proration - self.sibling_discount)

    def allowances(self) -> list[tuple[str, int]]:
        return [("proration", self.proration), ("sibling", self.sibling_discount)]


def _sibling_discount(enrolment: Enrolment, amount: int, settings_row: AcademySettings, now: dt.datetime):
    """(discount, coupon code): the chosen coupon's discount when a sibling with a lower
    customer id (the family's first child pays in full) holds a live monthly enrolment."""
    coupon = settings_row.sibling_coupon
    if coupon is None or not coupon.is_active or amount <= 0 or (coupon.valid_from and now < coupon.valid_from) \
            or (coupon.valid_until and now >= coupon.valid_until):
        return 0, ""
    older = [pk for pk in siblings_of(customer=enrolment.student) if pk < enrolment.student_id]
    if not older or not Enrolment.objects.filter(student_id__in=older, status__in=Enrolment.ATTENDING).exists():
        return 0, ""
    return coupon_discount(coupon, amount), coupon.code


def tuition_quote(*, enrolment: Enrolment, first_day: dt.date, settings_row: AcademySettings | None = None) -> Quote:
    """What the month of `first_day` costs the enrolment, the student attending from
    `first_day` on."""
    klass = enrolment.klass
    period, last = month_of(first_day)
    holidays = set(Holiday.objects.filter(date__gte=period, date__lte=last).values_list("date", flat=True))
    days = (last - period).days + 1
    weekdays = set(klass.weekdays)
    in_month = sum(1 for offset in range(days) if (period + dt.timedelta(days=offset)).weekday() in weekdays
                   and period + dt.timedelta(days=offset) not in holidays)
    billed = sum(1 for _start in _slots(klass, first=first_day, days=(last - first_day).days + 1, holidays=holidays))
    price = klass.course.price
    proration = price - price * billed // in_month if in_month and billed < in_month else 0
    if not in_month:
        proration = price
    sibling, code = _sibling_discount(enrolment, price - proration, settings_row or academy_settings(),
                                      timezone.now())
    return Quote(period=period, list_amount=price, sessions_in_month=in_month, sessions_billed=billed,
                 proration=proration, sibling_discount=sibling, coupon_code=code)


def tuition_first_quote(*, enrolment: Enrolment, since: dt.date) -> Quote:
    """The first month a student taking a seat on `since` is billed for: the month of the
    first session they can attend (the class may start later; a month whose sessions are
    all past bills nothing, the next one is billed in full)."""
    day = max(since, enrolment.klass.starts_on)
    quote = tuition_quote(enrolment=enrolment, first_day=day)
    if quote.sessions_billed == 0 and quote.sessions_in_month:
        quote = tuition_quote(enrolment=enrolment, first_day=month_of(day)[1] + dt.timedelta(days=1))
    return quote


def _local_today(klass: Class) -> dt.date:
    return timezone.now().astimezone(events.zone_of(klass.branch)).date()


def _invoice_data(invoice: TuitionInvoice) -> dict:
    return {"id": invoice.pk, "period": invoice.period.strftime("%Y-%m"), "total": invoice.total,
            "currency": invoice.currency, "due_on": invoice.due_on.isoformat(), "status": invoice.status,
            "order": invoice.order_id, "reminders_sent": invoice.reminders_sent}


def _tell(name: str, invoice: TuitionInvoice) -> None:
    enrolment = invoice.enrolment
    event_record(name, {"invoice": _invoice_data(invoice), "class": events.class_data(enrolment.klass),
                        "customer": events.customer_data(invoice.student),
                        "amount_display": events.money_display(invoice.total, invoice.currency)})


def invoice_record(*, enrolment: Enrolment, quote: Quote, order, actor,
                   settings_row: AcademySettings | None = None) -> TuitionInvoice:
    """The invoice row for `quote` (in the caller's transaction), paid through `order`."""
    settings_row = settings_row or academy_settings()
    today = _local_today(enrolment.klass)
    invoice = TuitionInvoice.objects.create(
        enrolment=enrolment, student_id=enrolment.student_id, period=quote.period, currency=order.currency,
        list_amount=quote.list_amount, sessions_in_month=quote.sessions_in_month,
        sessions_billed=quote.sessions_billed, proration=quote.proration, sibling_discount=quote.sibling_discount,
        total=order.total, order=order, due_on=max(today, quote.period) + dt.timedelta(days=settings_row.due_days))
    _audit("academy.tuition_issued", actor=actor, target=invoice,
           metadata={"enrolment": enrolment.pk, "period": quote.period.isoformat(), "total": invoice.total,
                     "proration": quote.proration, "sibling_discount": quote.sibling_discount,
                     **({"coupon": quote.coupon_code} if quote.coupon_code else {}), "order": order.pk})
    _tell(events.TUITION_ISSUED.name, invoice)
    return invoice


def tuition_issue(*, enrolment: Enrolment, period: dt.date, actor=None,
                  settings_row: AcademySettings | None = None) -> TuitionInvoice:
    """The month's invoice of an active monthly enrolment (its order placed first, under
    a key of the enrolment and month: issuing again returns the same invoice)."""
    from apps.orders.models import Order

    existing = TuitionInvoice.objects.filter(enrolment=enrolment, period=period.replace(day=1)).first()
    if existing is not None:
        return existing
    klass = enrolment.klass
    if enrolment.status != Enrolment.Status.ACTIVE or billed_per_pass(klass):
        raise TuitionNotDue(details={"enrolment": enrolment.pk, "period": period.strftime("%Y-%m")})
    quote = tuition_quote(enrolment=enrolment, first_day=period.replace(day=1), settings_row=settings_row)
    if quote.total <= 0:
        raise TuitionNotDue(details={"enrolment": enrolment.pk, "period": period.strftime("%Y-%m")})
    order = academy_order(key=f"tuition-{enrolment.pk}-{quote.period:%Y-%m}", customer=enrolment.student,
                          item_id=klass.course_id, branch=branch_offering(klass.course, klass.branch),
                          kind=Order.Kind.TUITION, actor=actor, allowances=quote.allowances())
    with transaction.atomic():
        existing = (TuitionInvoice.objects.select_for_update(of=("self",))
                    .filter(enrolment=enrolment, period=quote.period).first())
        if existing is not None:
            return existing
        return invoice_record(enrolment=enrolment, quote=quote, order=order, actor=actor, settings_row=settings_row)


def tuition_issue_due(*, today: dt.date | None = None) -> int:
    """Beat (hourly, in each academy): on or after the billing day, the month's invoices
    of every active enrolment in a monthly course that has none (one query finds them).
    Returns how many were issued."""
    settings_row = academy_settings()
    guess = today or timezone.localdate()  # a branch in another zone: tuition_issue checks its own month
    issued = 0
    enrolments = (Enrolment.objects.filter(status=Enrolment.Status.ACTIVE)
                  .exclude(klass__course__course_details__billing=CourseDetails.Billing.PASS)
                  .exclude(invoices__period=guess.replace(day=1))
                  .select_related("klass__course", "klass__branch", "student").order_by("pk"))
    for enrolment in enrolments:
        local = today or _local_today(enrolment.klass)
        if local.day < settings_row.billing_day:
            continue
        try:
            tuition_issue(enrolment=enrolment, period=local, settings_row=settings_row)
        except TuitionNotDue:
            continue
        except PlatformError:  # the course left the catalog, ...: the other students still get theirs
            logger.exception("tuition for enrolment %s (%s) could not be issued", enrolment.pk, local)
            continue
        issued += 1
    return issued


def tuition_paid(*, invoice: TuitionInvoice, via: str, actor=None) -> TuitionInvoice:
    """Mark the invoice paid (its order is paid in full). Idempotent."""
    with transaction.atomic():
        locked = (TuitionInvoice.objects.select_for_update(of=("self",))
                  .select_related("enrolment__klass__branch", "enrolment__klass__course", "student").get(pk=invoice.pk))
        if locked.status != INVOICE.OPEN:
            return locked
        locked.status, locked.paid_via, locked.paid_at = INVOICE.PAID, via, timezone.now()
        locked.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["status", "paid_via", "paid_at", "recorded_by", "updated_at"])
        _audit("academy.tuition_paid", actor=actor, target=locked, changes={"status": [INVOICE.OPEN, INVOICE.PAID]},
               metadata={"via": via, "total": locked.total, "order": locked.order_id})
        _tell(events.TUITION_PAID.name, locked)
    return locked


def tuition_record_payment(*, invoice: TuitionInvoice, method: str, actor) -> TuitionInvoice:
    """The front desk took the invoice's money in cash or by bank transfer: its order is
    paid, the invoice too (and an enrolment waiting for its first month's payment has its
    seat)."""
    from apps.orders.services import order_payment_recorded

    from .enrolments import enrolment_activate

    if method not in (TuitionInvoice.Method.CASH, TuitionInvoice.Method.TRANSFER):
        raise InvalidData(details={"method": [_("Choose cash or bank transfer.")]})
    with transaction.atomic():
        locked = TuitionInvoice.objects.select_for_update(of=("self",)).select_related("order").get(pk=invoice.pk)
        if locked.status != INVOICE.OPEN:
            raise TuitionNotOpen(details={"invoice": locked.pk, "status": locked.status})
        order = locked.order
        if order is not None and order.paid_amount < order.total:
            order_payment_recorded(order=order, amount=order.total - order.paid_amount, actor=actor)
        paid = tuition_paid(invoice=locked, via=method, actor=actor)
        enrolment = Enrolment.objects.filter(pk=locked.enrolment_id, order_id=locked.order_id,
                                             status=Enrolment.Status.PENDING_PAYMENT).first()
        if enrolment is not None:
            enrolment_activate(enrolment=enrolment, actor=actor)
    return paid


def tuition_void(*, invoice: TuitionInvoice, actor, reason: str) -> TuitionInvoice:
    """Cancel an unpaid invoice (its order is cancelled too)."""
    from apps.orders.services import order_cancel

    reason = (reason or "").strip()
    if not reason:
        raise InvalidData(details={"reason": [_("Say why the invoice is void.")]})
    locked = TuitionInvoice.objects.select_related("order").get(pk=invoice.pk)
    if locked.status != INVOICE.OPEN:
        raise TuitionNotOpen(details={"invoice": locked.pk, "status": locked.status})
    if locked.order is not None and locked.order.paid_amount == 0:
        order_cancel(order=locked.order, actor=actor, reason=reason, by_customer=False)
    return invoice_void(invoice=locked, actor=actor, reason=reason)


def invoice_void(*, invoice: TuitionInvoice, actor, reason: str) -> TuitionInvoice:
    with transaction.atomic():
        locked = TuitionInvoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
        if locked.status != INVOICE.OPEN:
            return locked
        locked.status = INVOICE.VOID
        locked.save(update_fields=["status", "updated_at"])
        _audit("academy.tuition_void", actor=actor, target=locked, changes={"status": [INVOICE.OPEN, INVOICE.VOID]},
               metadata={"reason": reason, "order": locked.order_id})
    return locked


def tuition_remind_overdue(*, now: dt.datetime | None = None) -> int:
    """Beat (daily): guardians of overdue invoices are reminded, every
    `reminder_every_days`, at most `reminders_max` times. Returns how many reminders."""
    now = now or timezone.now()
    settings_row = academy_settings()
    if settings_row.reminders_max == 0:
        return 0
    since = now - dt.timedelta(days=settings_row.reminder_every_days)
    due = (TuitionInvoice.objects.filter(TuitionInvoice.overdue(timezone.localdate(now)),
                                         reminders_sent__lt=settings_row.reminders_max)
           .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=since)).values_list("pk", flat=True))
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            invoice = (TuitionInvoice.objects.select_for_update(of=("self",))
                       .select_related("enrolment__klass__branch", "enrolment__klass__course", "student").get(pk=pk))
            if invoice.status != INVOICE.OPEN or (invoice.reminded_at and invoice.reminded_at > since):
                continue
            invoice.reminders_sent += 1
            invoice.reminded_at = now
            invoice.save(update_fields=["reminders_sent", "reminded_at", "updated_at"])
            _audit("academy.tuition_reminded", actor=None, target=invoice,
                   metadata={"reminder": invoice.reminders_sent, "due_on": invoice.due_on.isoformat()})
            _tell(events.TUITION_OVERDUE.name, invoice)
            sent += 1
    return sent


SETTINGS_FIELDS = ("billing_day", "due_days", "reminder_every_days", "reminders_max", "pass_refund_rule",
                   "sibling_coupon")


def academy_settings_update(*, actor, **values) -> AcademySettings:
    """Change the academy's billing rules (checked by the model's validators; a bad value
    is InvalidData from the core's error handler)."""
    with transaction.atomic():
        row = AcademySettings.objects.select_for_update().filter(pk=1).first()
        if row is None:
            row = AcademySettings.objects.create(pk=1)
        changes = model_update(row, data=values, fields=SETTINGS_FIELDS)
        if changes:
            _audit("academy.settings_changed", actor=actor, target=row, changes=changes)
    return row
