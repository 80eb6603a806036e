"""The academy's lists as the REST API gives them: enrolments, passes and tuition invoices
for staff (`GET /api/v1/academy/enrolments/`, `passes/`, `tuition/`), and a guardian's own
(`GET /api/v1/my/...`). Each reads the REST list view's own rows (`rest_rows`: its
`get_queryset` or `_mine`, scoped by the same selectors and grants) and filters (its filter
backends), in its order; the related rows come with them, so a page costs the same queries
whatever its length."""

from __future__ import annotations

import datetime

import strawberry
from rest_framework.exceptions import NotAuthenticated, PermissionDenied

from apps.academy.apis.billing import MyPassListApi, MyTuitionListApi, PassListApi, TuitionListApi
from apps.academy.apis.my import MyAttendanceApi, MyEnrolmentApi, my_children
from apps.academy.apis.people import EnrolmentListApi
from apps.consumers.api import request_customer
from apps.consumers.errors import NotAConsumer

from . import objects as types
from .access import refused, request_of, require
from .lists import rest_filtered, rest_rows
from .pagination import Connection, connection


def _consumer(info) -> None:
    """The `/api/v1/my/` permission checks: logged in, then a customer here."""
    request = request_of(info)
    if not request.user.is_authenticated:  # an API key is an integration, never a consumer
        raise refused(NotAuthenticated() if request.auth is None else PermissionDenied())
    if request_customer(request) is None:
        raise refused(NotAConsumer())



@strawberry.type
class ClassSummary:
    id: int
    name: str


@strawberry.type
class StudentRow:
    """What an enrolment, a pass and a tuition invoice share: whose it is and its status."""

    id: int
    status: str

    @strawberry.field
    def status_label(self) -> str:
        return self.get_status_display()

    @strawberry.field
    def student(self) -> types.Customer:
        return self.student  # select_related


@strawberry.type(name="Enrolment", description="An enrolment, as `GET /api/v1/academy/enrolments/` shows it.")
class EnrolmentRecord(StudentRow):
    waitlist_position: int | None
    offer_expires_at: datetime.datetime | None
    order_id: int | None
    activated_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    created_at: datetime.datetime

    @strawberry.field(name="class")
    def klass(self) -> ClassSummary:
        return self.klass  # select_related


@strawberry.type(description="A student's pass with what is left, as `GET /api/v1/academy/passes/` shows it.")
class StudentPass(StudentRow):
    plan_id: int
    order_id: int | None
    sessions_total: int | None
    sessions_used: int
    sessions_left: int | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    currency: str
    reason: str
    created_at: datetime.datetime
    activated_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    @strawberry.field
    def name(self) -> str:
        return self.plan.item.name  # select_related

    @strawberry.field(description="Active but past its last day.")
    def expired(self) -> bool:
        return self.is_expired

    @strawberry.field
    def price(self) -> types.Amount:
        return types.amount(self.currency, self.price)

    @strawberry.field
    def refunded_amount(self) -> types.Amount:
        return types.amount(self.currency, self.refunded_amount)


@strawberry.type(name="TuitionInvoice", description="A month's tuition, as `GET /api/v1/academy/tuition/` shows it.")
class TuitionRecord(StudentRow):
    enrolment_id: int
    period: datetime.date
    currency: str
    sessions_in_month: int
    sessions_billed: int
    order_id: int | None
    due_on: datetime.date
    paid_via: str
    paid_at: datetime.datetime | None
    reminders_sent: int
    created_at: datetime.datetime

    @strawberry.field
    def class_name(self) -> str:
        return self.enrolment.klass.name  # select_related

    @strawberry.field
    def paid_via_label(self) -> str:
        return self.get_paid_via_display()

    @strawberry.field(description="Unpaid past its due date.")
    def overdue(self) -> bool:
        return self.is_overdue

    @strawberry.field(description="The course's monthly price.")
    def list_amount(self) -> types.Amount:
        return types.amount(self.currency, self.list_amount)

    @strawberry.field
    def proration(self) -> types.Amount:
        return types.amount(self.currency, self.proration)

    @strawberry.field
    def sibling_discount(self) -> types.Amount:
        return types.amount(self.currency, self.sibling_discount)

    @strawberry.field
    def total(self) -> types.Amount:
        return types.amount(self.currency, self.total)


@strawberry.type(description="The caller or one of the children they are the verified guardian of.")
class Child:
    id: int
    name: str

    @strawberry.field
    def school(self) -> str:
        return getattr(getattr(self, "student_profile", None), "school", "")  # select_related

    @strawberry.field
    def grade(self) -> str:
        return getattr(getattr(self, "student_profile", None), "grade", "")


@strawberry.type(description="A child's attendance at a session, as `GET /api/v1/my/attendance/` shows it.")
class AttendanceRecord:
    id: int
    session_id: int
    status: str
    source: str
    note: str
    marked_at: datetime.datetime

    @strawberry.field
    def class_name(self) -> str:
        return self.session.klass.name  # select_related

    @strawberry.field
    def starts_at(self) -> datetime.datetime:
        return self.session.starts_at

    @strawberry.field
    def student(self) -> types.Customer:
        return self.student

    @strawberry.field
    def status_label(self) -> str:
        return self.get_status_display()


@strawberry.type(description="What a guardian (or a student) sees of the academy: `GET /api/v1/my/...`.")
class MyAcademy:
    @strawberry.field(description="Me and the children I am the (verified e-mail) guardian of.")
    def children(self, info: strawberry.Info) -> list[Child]:
        request = request_of(info)
        return list(my_children(customer=request_customer(request), user=request.user))

    @strawberry.field(description="My children's enrolments, newest first.")
    def enrolments(self, info: strawberry.Info, first: int | None = None,
                   after: str | None = None) -> Connection[EnrolmentRecord]:
        return connection(rest_rows(MyEnrolmentApi, info, "_mine"), first=first, after=after)

    @strawberry.field(description="My children's passes with what is left, newest first.")
    def passes(self, info: strawberry.Info, first: int | None = None,
               after: str | None = None) -> Connection[StudentPass]:
        return connection(rest_rows(MyPassListApi, info, "_mine"), first=first, after=after)

    @strawberry.field(description="My children's tuition invoices, newest first (pay an open one through its order).")
    def tuition(self, info: strawberry.Info, first: int | None = None,
                after: str | None = None) -> Connection[TuitionRecord]:
        return connection(rest_rows(MyTuitionListApi, info, "_mine"), first=first, after=after)

    @strawberry.field(description="My children's attendance, newest first.")
    def attendance(self, info: strawberry.Info, first: int | None = None,
                   after: str | None = None) -> Connection[AttendanceRecord]:
        return connection(rest_rows(MyAttendanceApi, info, "_mine"), first=first, after=after)


@strawberry.type
class AcademyListsQuery:
    @strawberry.field(description="Enrolments of the classes you may see (`enrolment:view`: a teacher their own "
                                  "classes', a branch's staff their branches'), newest first. Filters as "
                                  "`GET /api/v1/academy/enrolments/` (`classId` is its `klass`).")
    def enrolments(self, info: strawberry.Info, first: int | None = None, after: str | None = None,
                   class_id: int | None = None, student: int | None = None,
                   status: str | None = None) -> Connection[EnrolmentRecord]:
        require(info, "enrolment:view")
        queryset = rest_filtered(EnrolmentListApi, info, rest_rows(EnrolmentListApi, info), klass=class_id,
                                 student=student, status=status)
        return connection(queryset, first=first, after=after)

    @strawberry.field(description="Passes of the students you may see (`pass:view`), newest first. Filters as "
                                  "`GET /api/v1/academy/passes/`.")
    def passes(self, info: strawberry.Info, first: int | None = None, after: str | None = None,
               student: int | None = None, status: str | None = None) -> Connection[StudentPass]:
        require(info, "pass:view")
        queryset = rest_filtered(PassListApi, info, rest_rows(PassListApi, info), student=student, status=status)
        return connection(queryset, first=first, after=after)

    @strawberry.field(description="Tuition invoices of the students you may see (`tuition:view`), the earliest "
                                  "due first. "
                                  "Filters as `GET /api/v1/academy/tuition/` (the unpaid list: "
                                  "`status: \"open\"`; `overdue: true`).")
    def tuition(self, info: strawberry.Info, first: int | None = None, after: str | None = None,
                student: int | None = None, status: str | None = None, overdue: bool | None = None,
                period: datetime.date | None = None) -> Connection[TuitionRecord]:
        require(info, "tuition:view")
        queryset = rest_filtered(TuitionListApi, info, rest_rows(TuitionListApi, info), student=student,
                                 status=status, overdue=overdue, period=period)
        return connection(queryset, first=first, after=after, order="due_on")  # as the REST list's pages

    @strawberry.field(description="What a guardian or student sees of the academy (a customer here; staff who "
                                  "are not are refused with `not_a_consumer`, as `/api/v1/my/`).")
    def my(self, info: strawberry.Info) -> MyAcademy:
        _consumer(info)
        return MyAcademy()
