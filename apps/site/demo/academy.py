"""Acme's academy: classes with a weekly schedule that started three weeks ago (so the
timetable has a past and a future), a holiday, students enrolled and paid for (one class
full, with a student waiting), and attendance taken by the teacher for the sessions
already held: mostly present, one late, one absent (the guardians are told). A Saturday
math clinic is billed per pass: its students bought 10-session passes that attendance
uses. Each enrolment's order is its first month's tuition: one paid in cash at the
desk, one not paid yet (the unpaid list). The sibling discount is the SIBLING10 coupon.

Through the academy's services; a second run finds each class by its name and branch and
changes nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.academy.models import Attendance, Class, Enrolment, Holiday, Session, TuitionInvoice
from apps.academy.services.attendance import attendance_take
from apps.academy.services.classes import class_create, holiday_create
from apps.academy.services.enrolments import enrolment_activate, enrolment_create
from apps.academy.services.passes import pass_activate_paid, pass_buy, pass_plan_set
from apps.academy.services.sessions import sessions_generate
from apps.academy.services.students import course_details_set
from apps.academy.services.tuition import academy_settings_update, tuition_paid, tuition_record_payment
from apps.catalog.services import item_create
from apps.coupons.models import Coupon
from apps.crm.models import Customer

from .commerce import _pay

WEEKS_BACK = 3
CLASSES = [  # course, name, teacher (login), branch, room, capacity, weekdays (0 = Monday), start, minutes, students
    {"course": "Python for beginners (8 weeks)", "name": "Python beginners · Mon/Wed",
     "teacher": "teacher@acme.example.com", "branch": "Bundang campus", "room": "301", "capacity": 2,
     "weekdays": [0, 2], "start": dt.time(16, 0), "minutes": 100,
     "students": ["최도윤", "Emily Park", "김하준"]},  # two seats: the third waits
    {"course": "Elementary English reading (monthly)", "name": "English reading · Tue/Thu",
     "teacher": "manager@acme.example.com", "branch": "Gangnam campus", "room": "201", "capacity": 8,
     "weekdays": [1, 3], "start": dt.time(15, 30), "minutes": 90, "students": ["김하준", "이서윤", "Emily Park"]},
]
PAID_AT_DESK = ("English reading · Tue/Thu", "이서윤")  # her first month paid in cash at the front desk
UNPAID = ("English reading · Tue/Thu", "Emily Park")  # enrolled today, her first month not paid yet
CLINIC = {"course": "Math clinic (per pass)", "pass": "Math clinic · 10 sessions", "price": 250000,
          "name": "Math clinic · Saturday mornings", "teacher": "teacher@acme.example.com",
          "branch": "Bundang campus",
          "room": "302", "students": ["최도윤", "이서윤"]}
HOLIDAY = (dt.date(2026, 12, 25), "Christmas")
LATE, ABSENT = ("Emily Park", 1), ("이서윤", 2)  # (student, which past session of their class)


def academy_ensure(*, owner, users: dict, branches: dict, items: dict) -> None:
    if Class.objects.exists():  # seeded before (or the academy made its own since): left alone
        return
    if not Holiday.objects.filter(date=HOLIDAY[0]).exists():
        holiday_create(date=HOLIDAY[0], name=HOLIDAY[1], actor=owner)
    today = timezone.localdate()
    starts_on = today - dt.timedelta(weeks=WEEKS_BACK)
    classes = []
    for spec in CLASSES:
        klass = class_create(course=items[spec["course"]], name=spec["name"], teacher=users[spec["teacher"]],
                             branch=branches[spec["branch"]], room=spec["room"], capacity=spec["capacity"],
                             weekdays=spec["weekdays"], start_time=spec["start"], duration_minutes=spec["minutes"],
                             starts_on=starts_on, actor=owner)
        classes.append((klass, spec))
    sessions_generate(today=starts_on, horizon_days=WEEKS_BACK * 7 + 28)  # the weeks held so far, then ahead
    for klass, spec in classes:
        for name in spec["students"]:
            student = Customer.objects.get(name=name)
            enrolment = enrolment_create(student=student, klass=klass, actor=owner)
            if enrolment.status != Enrolment.Status.PENDING_PAYMENT or enrolment.order is None \
                    or (spec["name"], name) == UNPAID:
                continue
            if (spec["name"], name) == PAID_AT_DESK:
                tuition_record_payment(invoice=TuitionInvoice.objects.get(order=enrolment.order), method="cash",
                                       actor=owner)
            else:  # what the payment's subscriber does once the worker hands it the event
                _pay(enrolment.order, actor=owner)
                tuition_paid(invoice=TuitionInvoice.objects.get(order=enrolment.order), via="online")
                enrolment_activate(enrolment=enrolment, actor=owner)
        _attendance(klass, teacher=users[spec["teacher"]])
    _billing(owner=owner, users=users, branches=branches, starts_on=starts_on)


def _billing(*, owner, users: dict, branches: dict, starts_on: dt.date) -> None:
    """The sibling discount; the pass-billed clinic, its students' paid passes used by attendance."""
    sibling = Coupon.objects.filter(code="SIBLING10").first()
    academy_settings_update(actor=owner, sibling_coupon=sibling, billing_day=1)
    course = item_create(actor=owner, kind="course", name=CLINIC["course"], price=0, vat_rate=0,
                         translations={"ko": {"name": "수학 클리닉 (수강권)"}})
    course_details_set(item=course, actor=owner, subject="Math", level="Middle school", billing="pass")
    pass_item = item_create(actor=owner, kind="product", name=CLINIC["pass"], price=CLINIC["price"], vat_rate=0,
                            translations={"ko": {"name": "수학 클리닉 10회 수강권"}})
    plan = pass_plan_set(item=pass_item, kind="count", sessions=10, valid_days=90, course=course, actor=owner)
    clinic = class_create(course=course, name=CLINIC["name"], teacher=users[CLINIC["teacher"]],
                          branch=branches[CLINIC["branch"]], room=CLINIC["room"], capacity=10, weekdays=[5],
                          start_time=dt.time(10, 0), duration_minutes=120, starts_on=starts_on, actor=owner)
    sessions_generate(today=starts_on, horizon_days=WEEKS_BACK * 7 + 28)
    for name in CLINIC["students"]:
        student = Customer.objects.get(name=name)
        enrolment_create(student=student, klass=clinic, actor=owner)  # per pass: active at once
        bought = pass_buy(plan=plan, student=student, actor=owner)
        pass_activate_paid(order=_pay(bought.order, actor=owner), on=starts_on)  # bought before the first Saturday
    _attendance(clinic, teacher=users[CLINIC["teacher"]])


def _attendance(klass: Class, *, teacher) -> None:
    """The teacher's roll call for every session already held."""
    held = list(Session.objects.filter(klass=klass, status=Session.Status.SCHEDULED, ends_at__lt=timezone.now())
                .order_by("starts_at"))
    attending = list(Enrolment.objects.filter(klass=klass, status=Enrolment.Status.ACTIVE)
                     .select_related("student"))
    for index, session in enumerate(held):
        records = []
        for enrolment in attending:
            status = Attendance.Status.PRESENT
            if (enrolment.student.name, index) == LATE:
                status = Attendance.Status.LATE
            elif (enrolment.student.name, index) == ABSENT:
                status = Attendance.Status.ABSENT
            records.append({"enrolment": enrolment.pk, "status": status})
        if records:
            attendance_take(session=session, records=records, actor=teacher)
