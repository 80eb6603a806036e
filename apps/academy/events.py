"""The events the academy publishes (apps.events.catalogue), recorded with the audit row
of the same change. Everything a guardian hears about carries the student as `customer`
(one event per student), so the notifications' "customer" audience reaches the student
and, through crm's guardian contacts, their guardians. Times come as instants
(`starts_at`) and as the branch's local date and time, which is what a message prints."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.money import Money
from apps.events.catalogue import (
    CUSTOMER_REF,
    DATETIME,
    INTEGER,
    STRING,
    EventType,
    event_type_register,
    obj,
)

LABELS = {"type": "object", "additionalProperties": STRING}  # language -> text
NULLABLE_INTEGER = {"type": ["integer", "null"]}
NULLABLE_DATETIME = {"oneOf": [DATETIME, {"type": "null"}]}
CLASS = obj({"id": INTEGER, "name": STRING, "course": STRING, "branch": STRING, "room": STRING, "teacher": STRING})
SESSION = obj({"id": INTEGER, "status": STRING, "starts_at": DATETIME, "ends_at": DATETIME, "time_zone": STRING,
               "local_date": STRING, "local_time": STRING})
ENROLMENT = obj({"id": INTEGER, "status": STRING, "status_label": LABELS, "waitlist_position": NULLABLE_INTEGER,
                 "offer_expires_at": NULLABLE_DATETIME, "order": NULLABLE_INTEGER})
ATTENDANCE = obj({"status": STRING, "status_label": LABELS, "source": STRING})

_CLASS = {"id": 12, "name": "Middle-school Math A", "course": "Middle-school Math", "branch": "Bundang campus",
          "room": "201", "teacher": "Lee Junho"}
_SESSION = {"id": 340, "status": "scheduled", "starts_at": "2026-12-01T07:00:00+00:00",
            "ends_at": "2026-12-01T08:30:00+00:00", "time_zone": "Asia/Seoul", "local_date": "2026-12-01",
            "local_time": "16:00"}
_CUSTOMER = {"id": 7, "name": "Kim Jihoon"}
_ENROLMENT = {"id": 51, "status": "active", "status_label": {"en": "Active", "ko": "수강 중"},
              "waitlist_position": None, "offer_expires_at": None, "order": 1042}

SESSION_CANCELLED = event_type_register(EventType(
    name="academy.session_cancelled", label=_("Class session cancelled"), group="academy", audience=("customer",),
    description=_("A session of a class was cancelled; one event per enrolled student."),
    schema=obj({"session": SESSION, "class": CLASS, "customer": CUSTOMER_REF, "reason": STRING}),
    example={"session": {**_SESSION, "status": "cancelled"}, "class": _CLASS, "customer": _CUSTOMER,
             "reason": "Teacher unwell"}))
SESSION_MOVED = event_type_register(EventType(
    name="academy.session_moved", label=_("Class session moved"), group="academy", audience=("customer",),
    description=_("A session of a class was moved to another time; one event per enrolled student."),
    schema=obj({"session": SESSION, "previous": SESSION, "class": CLASS, "customer": CUSTOMER_REF,
                "reason": STRING}),
    example={"session": {**_SESSION, "starts_at": "2026-12-02T07:00:00+00:00",
                         "ends_at": "2026-12-02T08:30:00+00:00", "local_date": "2026-12-02"},
             "previous": _SESSION, "class": _CLASS, "customer": _CUSTOMER, "reason": ""}))
ENROLMENT_CREATED = event_type_register(EventType(
    name="academy.enrolment_created", label=_("Student enrolled"), group="academy", audience=("customer", "staff"),
    description=_("A student was enrolled in a class (pending payment) or put on its waitlist."),
    schema=obj({"enrolment": ENROLMENT, "class": CLASS, "customer": CUSTOMER_REF}),
    example={"enrolment": {**_ENROLMENT, "status": "pending_payment",
                           "status_label": {"en": "Pending payment", "ko": "결제 대기"}},
             "class": _CLASS, "customer": _CUSTOMER}))
ENROLMENT_ACTIVATED = event_type_register(EventType(
    name="academy.enrolment_activated", label=_("Enrolment confirmed"), group="academy", audience=("customer",),
    description=_("The enrolment's order was paid: the student has their seat."),
    schema=obj({"enrolment": ENROLMENT, "class": CLASS, "customer": CUSTOMER_REF}),
    example={"enrolment": _ENROLMENT, "class": _CLASS, "customer": _CUSTOMER}))
ENROLMENT_WITHDRAWN = event_type_register(EventType(
    name="academy.enrolment_withdrawn", label=_("Student withdrawn"), group="academy", audience=("customer", "staff"),
    description=_("A student left a class or its waitlist, or let an offered seat expire."),
    schema=obj({"enrolment": ENROLMENT, "class": CLASS, "customer": CUSTOMER_REF, "from_status": STRING,
                "reason": STRING}),
    example={"enrolment": {**_ENROLMENT, "status": "withdrawn", "status_label": {"en": "Withdrawn", "ko": "수강 취소"}},
             "class": _CLASS, "customer": _CUSTOMER, "from_status": "active", "reason": "Moving away"}))
SEAT_OFFERED = event_type_register(EventType(
    name="academy.seat_offered", label=_("Seat offered"), group="academy", audience=("customer",),
    description=_("A seat came free and is offered to the first student on the waitlist, until a deadline."),
    schema=obj({"enrolment": ENROLMENT, "class": CLASS, "customer": CUSTOMER_REF, "expires_local": STRING}),
    example={"enrolment": {**_ENROLMENT, "status": "offered", "status_label": {"en": "Seat offered",
                                                                                 "ko": "자리 제안"},
                           "offer_expires_at": "2026-12-02T07:00:00+00:00", "order": None},
             "class": _CLASS, "customer": _CUSTOMER, "expires_local": "2026-12-02 16:00"}))
ATTENDANCE_MARKED = event_type_register(EventType(
    name="academy.attendance_marked", label=_("Late or absent"), group="academy", audience=("customer",),
    description=_("A student was marked late or absent for a session (by staff or at the kiosk)."),
    schema=obj({"attendance": ATTENDANCE, "session": SESSION, "class": CLASS, "customer": CUSTOMER_REF}),
    example={"attendance": {"status": "late", "status_label": {"en": "Late", "ko": "지각"}, "source": "staff"},
             "session": _SESSION, "class": _CLASS, "customer": _CUSTOMER}))
INVOICE = obj({"id": INTEGER, "period": STRING, "total": INTEGER, "currency": STRING, "due_on": STRING,
               "status": STRING, "order": NULLABLE_INTEGER, "reminders_sent": INTEGER})
_INVOICE = {"id": 88, "period": "2026-12", "total": 220000, "currency": "KRW", "due_on": "2026-12-08",
            "status": "open", "order": 1077, "reminders_sent": 0}
_TUITION = {"class": CLASS, "customer": CUSTOMER_REF, "amount_display": LABELS}
_AMOUNT = {"en": "₩220,000", "ko": "₩220,000"}
TUITION_ISSUED = event_type_register(EventType(
    name="academy.tuition_issued", label=_("Tuition issued"), group="academy", audience=("customer",),
    description=_("A month's tuition invoice was issued for a student's enrolment."),
    schema=obj({"invoice": INVOICE, **_TUITION}),
    example={"invoice": _INVOICE, "class": _CLASS, "customer": _CUSTOMER, "amount_display": _AMOUNT}))
TUITION_PAID = event_type_register(EventType(
    name="academy.tuition_paid", label=_("Tuition paid"), group="academy", audience=("customer", "staff"),
    description=_("A tuition invoice was paid online or recorded as paid by the front desk."),
    schema=obj({"invoice": INVOICE, **_TUITION}),
    example={"invoice": {**_INVOICE, "status": "paid"}, "class": _CLASS, "customer": _CUSTOMER,
             "amount_display": _AMOUNT}))
TUITION_OVERDUE = event_type_register(EventType(
    name="academy.tuition_overdue", label=_("Tuition overdue"), group="academy", audience=("customer",),
    description=_("A reminder: a tuition invoice is past its due date and unpaid."),
    schema=obj({"invoice": INVOICE, **_TUITION}),
    example={"invoice": {**_INVOICE, "reminders_sent": 1}, "class": _CLASS, "customer": _CUSTOMER,
             "amount_display": _AMOUNT}))
PASS_ACTIVATED = event_type_register(EventType(
    name="academy.pass_activated", label=_("Pass ready"), group="academy", audience=("customer",),
    description=_("A pass was paid for and can be used from now."),
    schema=obj({"pass": obj({"id": INTEGER, "name": STRING, "sessions_total": NULLABLE_INTEGER,
                             "sessions_used": INTEGER, "valid_from": STRING, "valid_until": STRING}),
                "customer": CUSTOMER_REF}),
    example={"pass": {"id": 9, "name": "10-session pass", "sessions_total": 10, "sessions_used": 0,
                      "valid_from": "2026-12-01", "valid_until": "2027-02-28"}, "customer": _CUSTOMER}))


def money_display(amount: int, currency: str) -> dict[str, str]:
    """The amount as each language the platform speaks writes it."""
    return {language: Money(amount, currency).format(language) for language, _name in settings.LANGUAGES}


def pass_data(student_pass) -> dict:
    return {"id": student_pass.pk, "name": student_pass.plan.item.name, "sessions_total": student_pass.sessions_total,
            "sessions_used": student_pass.sessions_used,
            "valid_from": student_pass.valid_from.isoformat() if student_pass.valid_from else "",
            "valid_until": student_pass.valid_until.isoformat() if student_pass.valid_until else ""}


def labels(choices, code: str) -> dict[str, str]:
    """The label of `code` among `choices` (a TextChoices) in every language the platform speaks."""
    result = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            result[language] = str(choices(code).label)
    return result


def zone_of(branch) -> ZoneInfo:
    try:
        return ZoneInfo(branch.timezone or settings.TIME_ZONE)
    except (ValueError, KeyError):  # validated on the branch; never fail a message on it
        return ZoneInfo(settings.TIME_ZONE)


def class_data(klass) -> dict:
    """The class as events carry it (select_related course, branch and teacher to save queries)."""
    teacher = klass.teacher
    return {"id": klass.pk, "name": klass.name, "course": klass.course.name, "branch": klass.branch.name,
            "room": klass.room, "teacher": (teacher.full_name or "") if teacher is not None else ""}


def session_data(session, *, starts_at=None, ends_at=None) -> dict:
    starts_at, ends_at = starts_at or session.starts_at, ends_at or session.ends_at
    zone = zone_of(session.klass.branch)
    local = starts_at.astimezone(zone)
    return {"id": session.pk, "status": session.status, "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(), "time_zone": zone.key, "local_date": local.strftime("%Y-%m-%d"),
            "local_time": local.strftime("%H:%M")}


def customer_data(customer) -> dict:
    return {"id": customer.pk, "name": customer.name}


def enrolment_data(enrolment) -> dict:
    return {"id": enrolment.pk, "status": enrolment.status,
            "status_label": labels(type(enrolment).Status, enrolment.status),
            "waitlist_position": enrolment.waitlist_position,
            "offer_expires_at": enrolment.offer_expires_at.isoformat() if enrolment.offer_expires_at else None,
            "order": enrolment.order_id}
