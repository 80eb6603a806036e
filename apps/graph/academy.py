"""The academy in GraphQL: courses, classes (filtered as the REST class list), their
sessions in a date range and each session's attendance (loaded for the whole page only when
asked: a page costs the same queries whatever its length), enrolments, passes, tuition and a
guardian's own view (apps.graph.academy_lists), and the two writes a teacher's app makes
most, enrolling a student and taking attendance, through the same functions as the REST
endpoints."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from apps.academy import selectors, services
from apps.academy.apis.classes import ClassListApi
from apps.academy.apis.people import enrol
from apps.academy.models import Attendance, CourseDetails, Enrolment, Session
from apps.academy.serializers import AttendanceInput
from apps.accounts.callers import api_access
from apps.authz import catalogue
from apps.catalog import selectors as catalog_selectors
from apps.catalog.apis import ItemListApi, OpenItemListApi
from apps.catalog.translation import localized

from . import objects as types
from .academy_lists import AcademyListsQuery
from .access import actor_of, may, operation_error, refused, request_of, require, selected
from .lists import rest_filtered
from .pagination import Connection, connection, ordering

CourseOrdering = ordering("CourseOrdering", ItemListApi.ordering_fields)


def _reach(info, perm: str, view_perm: str):
    """What `perm` reaches for the caller, asked as `view_perm` (the academy's scope selectors)."""
    return selectors.access_as(api_access(request_of(info)), catalogue.django_perm(perm), view_perm)


def _details(course):
    """The course's academy details (select_related), or None when it has none yet."""
    try:
        return course.course_details
    except ObjectDoesNotExist:
        return None


def _billing(course) -> str:
    details = _details(course)
    return details.billing if details else CourseDetails.Billing.MONTHLY


@strawberry.type(description="A course: a catalog item of kind `course`, with its academy details.")
class Course:
    id: int
    is_active: bool

    @strawberry.field
    def name(self) -> str:
        return localized(self, "name")

    @strawberry.field(description="The monthly tuition (or the price of the course).")
    def price(self) -> types.Amount:
        return types.amount(self.currency, self.price)

    @strawberry.field
    def subject(self) -> str:
        return getattr(_details(self), "subject", "")

    @strawberry.field
    def level(self) -> str:
        return getattr(_details(self), "level", "")

    @strawberry.field(description="`monthly` (tuition invoices) or `pass` (paid by passes).")
    def billing(self) -> str:
        return _billing(self)

    @strawberry.field
    def billing_label(self) -> str:
        return str(CourseDetails.Billing(_billing(self)).label)


@strawberry.type
class AttendanceMark:
    student_id: int
    status: str
    note: str
    marked_at: datetime.datetime

    @strawberry.field
    def student_name(self) -> str:
        return self.student.name  # select_related

    @strawberry.field
    def status_label(self) -> str:
        return str(Attendance.Status(self.status).label)


@strawberry.type
class ClassSession:
    id: int

    @classmethod
    def is_type_of(cls, obj, _info) -> bool:  # a mutation's union answers with the model instance
        return isinstance(obj, Session | cls)

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    status: str

    @strawberry.field
    def status_label(self) -> str:
        return str(Session.Status(self.status).label)

    @strawberry.field(description="Who was marked how (`attendance:view`).")
    def attendance(self, info: strawberry.Info) -> list[AttendanceMark]:
        require(info, "attendance:view")
        marks = getattr(self, "graph_attendance", None)
        if marks is None:  # one session (a mutation's answer): its own query
            marks = list(self.attendance.select_related("student").order_by("student__name", "pk"))
        return marks


@strawberry.type
class AcademyClass:
    id: int
    name: str
    capacity: int
    room: str
    teacher_id: int
    is_active: bool
    starts_on: datetime.date
    ends_on: datetime.date | None

    @strawberry.field
    def course(self) -> Course:
        return self.course  # select_related

    @strawberry.field
    def branch(self) -> types.Branch:
        return self.branch  # select_related

    @strawberry.field(description="The class's sessions starting in [from, to) (dates in the workspace's time zone: "
                                  "the next four weeks when not given), in order.")
    def sessions(self, from_: Annotated[datetime.date | None, strawberry.argument(name="from")] = None,
                 to: datetime.date | None = None) -> list[ClassSession]:
        return getattr(self, "graph_sessions", [])  # loaded for the page by `classes`


@strawberry.type
class Enrolled:
    id: int
    status: str
    class_id: int
    student_id: int

    @strawberry.field
    def status_label(self) -> str:
        return str(Enrolment.Status(self.status).label)


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise refused(ValidationError({"from": [_("Enter a valid date (YYYY-MM-DD).")]})) from None


def _window(arguments: dict) -> tuple[datetime.datetime, datetime.datetime]:
    """[from, to) of `sessions(from:, to:)` as moments (selected fields' arguments come as text)."""
    start = _date(arguments.get("from")) or timezone.localdate()
    end = _date(arguments.get("to")) or start + datetime.timedelta(days=28)
    zone = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, zone),
            datetime.datetime.combine(end, datetime.time.min, zone))


def _attendance_prefetch() -> Prefetch:
    return Prefetch("attendance", queryset=Attendance.objects.select_related("student").order_by("student__name", "pk"),
                    to_attr="graph_attendance")


@strawberry.type
class AcademyQuery(AcademyListsQuery):
    @strawberry.field(description="Courses (catalog items of kind `course`): every one for staff with `item:view`, "
                                  "the active ones for everyone else. Filters as `GET /api/v1/catalog/manage/items/"
                                  "?kind=course` for staff, `GET /api/v1/catalog/items/?kind=course` for others (no "
                                  "`active`, `soldOut`); in the catalog's order unless `orderBy` says otherwise.")
    def courses(self, info: strawberry.Info, first: int | None = None, after: str | None = None,
                category: int | None = None, active: bool | None = None, sold_out: bool | None = None,
                branch: int | None = None, search: str | None = None,
                order_by: CourseOrdering | None = None) -> Connection[Course]:
        if may(info, "item:view"):
            queryset = rest_filtered(ItemListApi, info, catalog_selectors.item_list(), kind="course",
                                     category=category, active=active, sold_out=sold_out, branch=branch,
                                     search=search)
        else:  # as the open REST list (`active` and `soldOut` are staff filters)
            queryset = rest_filtered(OpenItemListApi, info, catalog_selectors.item_list_open(), kind="course",
                                     category=category, branch=branch, q=search)
        return connection(queryset.select_related("course_details"), first=first, after=after,
                          order=order_by or "position")  # the REST lists' order (CatalogPagination)

    @strawberry.field(description="Classes you may see (`class:view`: a teacher their own, a branch's staff "
                                  "their branches'), newest first, with their sessions when asked. Filters as "
                                  "`GET /api/v1/academy/classes/`.")
    def classes(self, info: strawberry.Info, first: int | None = None, after: str | None = None,
                branch: int | None = None, course: int | None = None, teacher: int | None = None,
                is_active: bool | None = None) -> Connection[AcademyClass]:
        require(info, "class:view")
        queryset = selectors.classes_visible_to(user=actor_of(info), access=_reach(info, "class:view",
                                                                                    "academy.view_class"))
        queryset = rest_filtered(ClassListApi, info, queryset.select_related("course__course_details"),
                                 branch=branch, course=course, teacher=teacher, is_active=is_active)
        wanted = selected(info, "edges", "node", "sessions") or selected(info, "nodes", "sessions")
        if wanted is not None:
            start, end = _window(wanted.arguments or {})
            sessions = Session.objects.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "pk")
            if any(getattr(child, "name", None) == "attendance" for child in wanted.selections):
                sessions = sessions.prefetch_related(_attendance_prefetch())
            queryset = queryset.prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="graph_sessions"))
        return connection(queryset, first=first, after=after)


AttendanceResult = Annotated[ClassSession | types.OperationError, strawberry.union("AttendanceResult")]
EnrolResult = Annotated[Enrolled | types.OperationError, strawberry.union("EnrolResult")]


@strawberry.input
class AttendanceMarkInput:
    student: int
    status: str
    note: str = ""


@strawberry.type
class AcademyMutation:
    @strawberry.mutation(description="Mark a session's students (`attendance:add`), as "
                                     "`POST /api/v1/academy/sessions/{id}/attendance/`.")
    def record_attendance(self, info: strawberry.Info, session: int,
                          records: list[AttendanceMarkInput]) -> AttendanceResult:
        try:
            require(info, "attendance:add")
            found = selectors.sessions_visible_to(user=actor_of(info), access=_reach(
                info, "attendance:add", "academy.view_session")).filter(pk=session).first()
            if found is None:
                raise Http404()
            serializer = AttendanceInput(data={"records": [strawberry.asdict(record) for record in records]})
            serializer.is_valid(raise_exception=True)
            services.attendance_take(session=found, records=serializer.validated_data["records"],
                                     actor=actor_of(info))
        except Exception as exc:  # noqa: BLE001  (operation_error raises again what is not a refusal)
            return operation_error(exc)
        return found

    @strawberry.mutation(description="Enrol a student in a class (`enrolment:add`), as "
                                     "`POST /api/v1/academy/enrolments/`: a full class puts them on the waitlist.")
    def enrol(self, info: strawberry.Info, class_id: int, student: int, waitlist: bool = True) -> EnrolResult:
        try:
            require(info, "enrolment:add")
            made = enrol({"klass": class_id, "student": student, "waitlist": waitlist},
                         access=api_access(request_of(info)), actor=actor_of(info))
        except Exception as exc:  # noqa: BLE001  (operation_error raises again what is not a refusal)
            return operation_error(exc)
        return Enrolled(id=made.pk, status=made.status, class_id=made.klass_id, student_id=made.student_id)
