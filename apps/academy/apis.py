"""Academy API: classes, their sessions (cancel, move, substitute), holidays, students,
enrolments (waitlist, withdraw, accept an offered seat) and attendance (a session's
roster, staff marking it, the front-desk kiosk check-in) for staff under
/api/v1/academy/; browsing classes with free seats for anyone; and for guardians and
students (consumers) their children, their attendance and enrolling under /api/v1/my/.
Thin: parse, call one service or selector, serialise.

Scope: each request reaches the rows its method's permission reaches (a branch grant:
its branches; the `own` scope: a teacher's classes, the sessions they teach or
substitute, the students enrolled in them): the scope selectors are asked with the
method's grant (`_reach`), so a teacher who may see another branch's session still
cannot mark it. A row outside the reach is absent (404)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.accounts.models import User
from apps.authz.access import Access
from apps.consumers.api import ConsumerApi, ConsumerCursorPagination
from apps.consumers.services import email_verified
from apps.core.api import ERROR_RESPONSES
from apps.core.errors import InvalidData
from apps.core.filters import FilterBackend
from apps.crm.models import Customer, GuardianContact
from apps.rbac.api import WorkspaceApi, WorkspaceCursorPagination

from . import selectors, services
from .models import Attendance, Class, Enrolment, Holiday, Session
from .serializers import (
    AttendanceInput,
    AttendanceOutput,
    CancelInput,
    CheckInInput,
    ChildOutput,
    ClassInput,
    ClassOutput,
    ClassUpdateInput,
    EnrolmentInput,
    EnrolmentOutput,
    HolidaySerializer,
    MoveInput,
    OpenClassOutput,
    ReasonInput,
    RosterRowOutput,
    SessionOutput,
    StudentInput,
    StudentOutput,
    StudentUpdateInput,
    SubstituteInput,
    roster_rows,
)

TAGS = ["academy"]
MY_TAGS = ["my"]


def _reach(access: Access, perm: str, view_perm: str) -> Access:
    """`access` narrowed to what `perm` reaches, asked as `view_perm` (the permission the
    scope selectors read): a method's own grant decides which rows it may touch."""
    grant = access.grant(perm)
    return Access(user=access.user, grants={view_perm: grant} if grant is not None else {})


def _user(pk):
    """A user by id, or None (the services refuse a teacher who is not staff here)."""
    return User.objects.filter(pk=pk).first() if pk is not None else None


class AcademyApi(WorkspaceApi):
    view_perm = ""  # "academy.view_class": the scope selector's permission

    def scoped_access(self) -> Access:
        return _reach(self.access, self.perm_name(), self.view_perm)


class ClassScoped(AcademyApi):
    view_perm = "academy.view_class"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Class.objects.none()
        return selectors.classes_visible_to(user=self.actor, access=self.scoped_access())


class SessionScoped(AcademyApi):
    view_perm = "academy.view_session"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Session.objects.none()
        return selectors.sessions_visible_to(user=self.actor, access=self.scoped_access())


class StudentScoped(AcademyApi):
    view_perm = "academy.view_studentprofile"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Customer.objects.none()
        return selectors.students_visible_to(user=self.actor, access=self.scoped_access())


class EnrolmentScoped(AcademyApi):
    """Enrolments of the classes the method's grant reaches."""

    view_perm = "academy.view_class"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Enrolment.objects.none()
        classes = selectors.classes_visible_to(user=self.actor, access=self.scoped_access())
        return (Enrolment.objects.filter(klass__in=classes.values("pk")).select_related("klass", "student")
                .order_by("-id"))


# --- Classes ----------------------------------------------------------------------------

CLASS_EXAMPLE = {"course": 12, "teacher": 7, "branch": 1, "name": "Math A (Mon/Wed)", "room": "201", "capacity": 12,
                 "weekdays": [0, 2], "start_time": "16:00", "duration_minutes": 90, "starts_on": "2026-03-02",
                 "ends_on": None}


class ClassFilter(filters.FilterSet):
    teacher = filters.NumberFilter(field_name="teacher_id")

    class Meta:
        model = Class
        fields = ["branch", "course", "teacher", "is_active"]


class ClassListApi(ClassScoped):
    filter_backends = [FilterBackend]
    perms = {"GET": "class:view", "POST": "class:add"}
    serializer_class = ClassOutput
    filterset_class = ClassFilter

    @extend_schema(tags=TAGS, summary="List classes (yours, your branches' or all, as your role reaches)",
                   responses={200: ClassOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ClassOutput(page, many=True).data)

    @extend_schema(tags=TAGS, summary="Create a class (its sessions are generated at once)", request=ClassInput,
                   description="Refusals: `academy_not_a_course`, `academy_teacher_not_staff`, "
                               "`academy_schedule_overlap` (another class meets in the room at overlapping times), "
                               "`validation_error` (a schedule that is not valid; a branch outside your reach).",
                   responses={201: ClassOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Mondays and Wednesdays", value=CLASS_EXAMPLE, request_only=True)])
    def post(self, request):
        serializer = ClassInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        allowed = self.branch_ids()
        if allowed is not None and data["branch"].pk not in allowed:
            raise InvalidData(details={"branch": [_("You may not act at this branch.")]})
        klass = services.class_create(teacher=_user(data.pop("teacher")), actor=self.actor, **data)
        return Response(ClassOutput(klass).data, status=status.HTTP_201_CREATED)


class ClassDetailApi(ClassScoped):
    perms = {"GET": "class:view", "PATCH": "class:change"}
    serializer_class = ClassOutput

    @extend_schema(tags=TAGS, summary="A class", responses={200: ClassOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(ClassOutput(self.get_object()).data)

    @extend_schema(tags=TAGS, summary="Change a class (name, teacher, room, capacity, schedule, active)",
                   description="A new schedule replaces the future sessions nobody touched; more seats are offered "
                               "to the waitlist. Refusals as on create.",
                   request=ClassUpdateInput, responses={200: ClassOutput, **ERROR_RESPONSES})
    def patch(self, request, pk):
        klass = self.get_object()
        serializer = ClassUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "teacher" in data:
            data["teacher"] = _user(data["teacher"])
        services.class_update(klass=klass, actor=self.actor, **data)
        return Response(ClassOutput(self.get_queryset().get(pk=klass.pk)).data)


class OpenClassPagination(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("name", "id")


class OpenClassListApi(GenericAPIView):
    """Anyone may read (the shop's catalog is open the same way)."""

    permission_classes = [AllowAny]
    pagination_class = OpenClassPagination
    serializer_class = OpenClassOutput
    filterset_class = ClassFilter
    filter_backends = [FilterBackend]

    def get_queryset(self):
        today = timezone.localdate()
        classes = (Class.objects.filter(is_active=True, course__is_active=True, branch__is_active=True)
                   .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).select_related("course", "branch"))
        return selectors.classes_with_seats(queryset=classes)

    @extend_schema(tags=TAGS, summary="Classes taking enrolments, with their free seats (anyone may read)",
                   auth=[], responses={200: OpenClassOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(OpenClassOutput(page, many=True).data)


# --- Sessions ---------------------------------------------------------------------------


class SessionPagination(WorkspaceCursorPagination):
    ordering = ("starts_at", "id")


class SessionFilter(filters.FilterSet):
    klass = filters.NumberFilter(field_name="klass_id", label="class")
    date_from = filters.DateFilter(field_name="starts_at", lookup_expr="date__gte",
                                   label="starting on or after this date (UTC)")
    date_to = filters.DateFilter(field_name="starts_at", lookup_expr="date__lte",
                                 label="starting on or before this date (UTC)")
    status = filters.ChoiceFilter(choices=Session.Status.choices)

    class Meta:
        model = Session
        fields = ["klass", "date_from", "date_to", "status"]


class SessionListApi(SessionScoped):
    filter_backends = [FilterBackend]
    perms = {"GET": "session:view"}
    serializer_class = SessionOutput
    filterset_class = SessionFilter
    pagination_class = SessionPagination

    @extend_schema(tags=TAGS, summary="List sessions by date range and class, soonest first",
                   responses={200: SessionOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(SessionOutput(page, many=True).data)


class SessionCancelApi(SessionScoped):
    perms = {"POST": "session:change"}
    serializer_class = CancelInput

    @extend_schema(tags=TAGS, summary="Cancel one session (the enrolled students are told)", request=CancelInput,
                   description="Refusals: `reason_required`, `academy_session_cancelled` (already).",
                   responses={200: SessionOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        session = self.get_object()
        serializer = CancelInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_cancel(session=session, reason=serializer.validated_data["reason"],
                                          actor=self.actor)
        return Response(SessionOutput(self.get_queryset().get(pk=session.pk)).data)


class SessionMoveApi(SessionScoped):
    perms = {"POST": "session:change"}
    serializer_class = MoveInput

    @extend_schema(tags=TAGS, summary="Move one session to another time (the enrolled students are told)",
                   description="Refusals: `academy_session_overlap` (the room, or the class, is taken then), "
                               "`academy_session_cancelled`, `validation_error` (a time in the past).",
                   request=MoveInput, responses={200: SessionOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        session = self.get_object()
        serializer = MoveInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.session_move(session=session, actor=self.actor, **serializer.validated_data)
        return Response(SessionOutput(self.get_queryset().get(pk=session.pk)).data)


class SessionSubstituteApi(SessionScoped):
    perms = {"POST": "session:change"}
    serializer_class = SubstituteInput

    @extend_schema(tags=TAGS, summary="Set (or clear) the substitute teacher of one session",
                   description="Refusal: `academy_teacher_not_staff`.",
                   request=SubstituteInput, responses={200: SessionOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        session = self.get_object()
        serializer = SubstituteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        teacher_id = serializer.validated_data["teacher"]
        teacher = _user(teacher_id)
        if teacher_id is not None and teacher is None:
            teacher = User(pk=teacher_id)  # unknown: refused as not staff here
        session = services.session_substitute_set(session=session, teacher=teacher, actor=self.actor)
        return Response(SessionOutput(self.get_queryset().get(pk=session.pk)).data)


# --- Holidays ---------------------------------------------------------------------------


class HolidayListApi(WorkspaceApi):
    perms = {"GET": "holiday:view", "POST": "holiday:add"}
    serializer_class = HolidaySerializer
    queryset = Holiday.objects.order_by("-id")

    @extend_schema(tags=TAGS, summary="List holidays (no sessions on them)",
                   responses={200: HolidaySerializer(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(HolidaySerializer(page, many=True).data)

    @extend_schema(tags=TAGS, summary="Add a holiday (that day's sessions are cancelled, the students told)",
                   request=HolidaySerializer, responses={201: HolidaySerializer, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Chuseok", value={"date": "2026-09-25", "name": "Chuseok"},
                                            request_only=True)])
    def post(self, request):
        serializer = HolidaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        holiday = services.holiday_create(actor=self.actor, **serializer.validated_data)
        return Response(HolidaySerializer(holiday).data, status=status.HTTP_201_CREATED)


class HolidayDetailApi(WorkspaceApi):
    perms = {"DELETE": "holiday:delete"}
    serializer_class = HolidaySerializer
    queryset = Holiday.objects.all()

    @extend_schema(tags=TAGS, summary="Remove a holiday (sessions are generated for the day from now on)",
                   responses={204: None, **ERROR_RESPONSES})
    def delete(self, request, pk):
        services.holiday_delete(holiday=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Students ---------------------------------------------------------------------------


class StudentListApi(StudentScoped):
    perms = {"GET": "student:view", "POST": "student:add"}
    serializer_class = StudentOutput

    @extend_schema(tags=TAGS, summary="List students (customers with a student profile) you may see",
                   responses={200: StudentOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(StudentOutput(page, many=True).data)

    @extend_schema(tags=TAGS, summary="Make a customer a student (or update their profile)",
                   description="With a role limited to branches, the customer must belong to one of them.",
                   request=StudentInput, responses={201: StudentOutput, **ERROR_RESPONSES})
    def post(self, request):
        serializer = StudentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        customers = Customer.objects.filter(deleted_at__isnull=True)
        allowed = self.branch_ids()
        if allowed is not None:
            customers = customers.filter(branch_id__in=allowed)
        customer = customers.filter(pk=data.pop("customer")).first()
        if customer is None:
            raise InvalidData(details={"customer": [_("No customer with this id.")]})
        services.student_profile_set(customer=customer, actor=self.actor, **data)
        student = selectors.students_visible_to(user=self.actor, access=self.access).filter(pk=customer.pk).first()
        if student is None:  # made, but outside what the caller may see: the profile without its guardians
            student = Customer.objects.select_related("student_profile").get(pk=customer.pk)
        return Response(StudentOutput(student).data, status=status.HTTP_201_CREATED)


class StudentDetailApi(StudentScoped):
    perms = {"GET": "student:view", "PATCH": "student:change"}
    serializer_class = StudentOutput

    @extend_schema(tags=TAGS, summary="A student, with their guardians",
                   responses={200: StudentOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(StudentOutput(self.get_object()).data)

    @extend_schema(tags=TAGS, summary="Change a student's school, grade or notes", request=StudentUpdateInput,
                   responses={200: StudentOutput, **ERROR_RESPONSES})
    def patch(self, request, pk):
        customer = self.get_object()
        serializer = StudentUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.student_profile_set(customer=customer, actor=self.actor, **serializer.validated_data)
        return Response(StudentOutput(self.get_queryset().get(pk=customer.pk)).data)


# --- Enrolments -------------------------------------------------------------------------


class EnrolmentFilter(filters.FilterSet):
    klass = filters.NumberFilter(field_name="klass_id", label="class")
    student = filters.NumberFilter(field_name="student_id")
    status = filters.ChoiceFilter(choices=Enrolment.Status.choices)

    class Meta:
        model = Enrolment
        fields = ["klass", "student", "status"]


class EnrolmentListApi(EnrolmentScoped):
    filter_backends = [FilterBackend]
    perms = {"GET": "enrolment:view", "POST": "enrolment:add"}
    serializer_class = EnrolmentOutput
    filterset_class = EnrolmentFilter

    @extend_schema(tags=TAGS, summary="List enrolments (by class, student, status)",
                   responses={200: EnrolmentOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(EnrolmentOutput(page, many=True).data)

    @extend_schema(tags=TAGS, summary="Enrol a student in a class (its order is placed; a full class: the waitlist)",
                   description="A free seat makes the enrolment `pending_payment` with its order (pay it with "
                               "/api/v1/orders/{id}/pay/); a full class puts the student on the waitlist, or with "
                               "`waitlist: false` is refused (`academy_class_full`). Other refusals: "
                               "`academy_class_closed`, `academy_already_enrolled`.",
                   request=EnrolmentInput, responses={201: EnrolmentOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Enrol", value={"klass": 3, "student": 42, "waitlist": True},
                                            request_only=True)])
    def post(self, request):
        serializer = EnrolmentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        klass = selectors.classes_visible_to(user=self.actor, access=self.scoped_access()).filter(
            pk=data["klass"]).first()
        if klass is None:
            raise InvalidData(details={"klass": [_("No class with this id.")]})
        student = Customer.objects.filter(deleted_at__isnull=True, pk=data["student"]).first()
        if student is None:
            raise InvalidData(details={"student": [_("No customer with this id.")]})
        enrolment = services.enrolment_create(student=student, klass=klass, actor=self.actor,
                                              waitlist=data["waitlist"])
        return Response(EnrolmentOutput(self.get_queryset().get(pk=enrolment.pk)).data,
                        status=status.HTTP_201_CREATED)


class EnrolmentDetailApi(EnrolmentScoped):
    perms = {"GET": "enrolment:view"}
    serializer_class = EnrolmentOutput

    @extend_schema(tags=TAGS, summary="An enrolment", responses={200: EnrolmentOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(EnrolmentOutput(self.get_object()).data)


class EnrolmentWithdrawApi(EnrolmentScoped):
    perms = {"POST": "enrolment:change"}
    serializer_class = ReasonInput

    @extend_schema(tags=TAGS, summary="Withdraw an enrolment (its seat goes to the first on the waitlist)",
                   description="An unpaid order is cancelled. Refusal: `academy_enrolment_illegal_transition`.",
                   request=ReasonInput, responses={200: EnrolmentOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        enrolment = self.get_object()
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.enrolment_withdraw(enrolment=enrolment, actor=self.actor, reason=serializer.validated_data["reason"])
        return Response(EnrolmentOutput(self.get_queryset().get(pk=enrolment.pk)).data)


class EnrolmentAcceptApi(EnrolmentScoped):
    perms = {"POST": "enrolment:change"}
    serializer_class = EnrolmentOutput

    @extend_schema(tags=TAGS, summary="Accept the seat offered to a waiting student (its order is placed)",
                   description="Refusals: `academy_offer_expired`, `academy_enrolment_illegal_transition` "
                               "(nothing offered).", request=None,
                   responses={200: EnrolmentOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        enrolment = services.enrolment_offer_accept(enrolment=self.get_object(), actor=self.actor)
        return Response(EnrolmentOutput(self.get_queryset().get(pk=enrolment.pk)).data)


# --- Attendance -------------------------------------------------------------------------


class SessionAttendanceApi(SessionScoped):
    pagination_class = None  # a session's roster is one class's students
    perms = {"GET": "attendance:view", "POST": "attendance:add"}
    serializer_class = RosterRowOutput

    def _roster(self, session):
        return Response(RosterRowOutput(roster_rows(selectors.session_attendance(session=session)), many=True).data)

    @extend_schema(tags=TAGS, summary="A session's roster with each student's attendance (null: not marked)",
                   responses={200: RosterRowOutput(many=True), **ERROR_RESPONSES})
    def get(self, request, pk):
        return self._roster(self.get_object())

    @extend_schema(tags=TAGS, summary="Mark the session's students (present, late, absent, excused)",
                   description="Every record is checked before anything is written. Refusals: "
                               "`academy_not_enrolled` (a student not in this session's class), "
                               "`academy_session_cancelled`, `validation_error`. Late and absent students' "
                               "guardians are told.",
                   request=AttendanceInput, responses={200: RosterRowOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Two students", request_only=True, value={"records": [
                       {"student": 42, "status": "present"}, {"student": 43, "status": "late", "note": "Bus"}]})])
    def post(self, request, pk):
        session = self.get_object()
        serializer = AttendanceInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.attendance_take(session=session, records=serializer.validated_data["records"], actor=self.actor)
        return self._roster(session)


class CheckInApi(WorkspaceApi):
    perms = {"POST": "attendance:add"}
    serializer_class = CheckInInput

    @extend_schema(tags=TAGS, summary="Kiosk check-in at the front desk: a session's code and the student",
                   description="The code of a session open for check-in now (shortly before its start until its "
                               "end); present, or late after the grace period. Refusals: "
                               "`academy_check_in_code_invalid` (404: wrong code or outside its window), "
                               "`academy_not_enrolled`.",
                   request=CheckInInput, responses={200: AttendanceOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Check in", value={"code": "K7QM2P", "student": 42},
                                            request_only=True)])
    def post(self, request):
        serializer = CheckInInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        student = Customer.objects.filter(deleted_at__isnull=True, pk=data["student"]).first()
        if student is None:
            raise InvalidData(details={"student": [_("No customer with this id.")]})
        row = services.attendance_check_in(code=data["code"], student=student)
        row = Attendance.objects.select_related("student", "session__klass").get(pk=row.pk)
        return Response(AttendanceOutput(row).data)


# --- Guardians and students (consumers) ------------------------------------------------


def my_children(*, customer, user):
    """The consumer's own customer record, and the customers whose guardian contact has
    the consumer's e-mail once that e-mail is verified (no other link between a guardian's
    account and a child exists)."""
    condition = Q(pk=customer.pk)
    if user.email and email_verified(user=user):
        condition |= Q(pk__in=GuardianContact.objects.filter(email__iexact=user.email).values("customer_id"))
    return (Customer.objects.filter(condition, deleted_at__isnull=True).select_related("student_profile")
            .order_by("name", "id"))


class MyChildrenApi(ConsumerApi):
    serializer_class = ChildOutput
    pagination_class = None  # a family's children
    queryset = Customer.objects.none()  # for the schema

    @extend_schema(tags=MY_TAGS, summary="Me and the children I am the (verified e-mail) guardian of",
                   responses={200: ChildOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        return Response(ChildOutput(my_children(customer=self.customer, user=self.user), many=True).data)


class MyAttendanceApi(ConsumerApi):
    serializer_class = AttendanceOutput
    queryset = Attendance.objects.none()  # for the schema

    @extend_schema(tags=MY_TAGS, summary="My children's attendance, newest first",
                   responses={200: AttendanceOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        rows = (Attendance.objects.filter(student__in=my_children(customer=self.customer, user=self.user).values("pk"))
                .select_related("student", "session__klass").order_by("-id"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AttendanceOutput(page, many=True).data)


class MyEnrolmentApi(ConsumerApi):
    serializer_class = EnrolmentOutput
    queryset = Enrolment.objects.none()  # for the schema
    pagination_class = ConsumerCursorPagination

    def _mine(self):
        return (Enrolment.objects.filter(student__in=my_children(customer=self.customer, user=self.user).values("pk"))
                .select_related("klass", "student").order_by("-id"))

    @extend_schema(tags=MY_TAGS, summary="My children's enrolments, newest first",
                   responses={200: EnrolmentOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self._mine())
        return self.get_paginated_response(EnrolmentOutput(page, many=True).data)

    @extend_schema(tags=MY_TAGS, summary="Enrol one of my children in a class (then pay its order)",
                   description="`student` is one of /api/v1/my/children/. A free seat gives `pending_payment` "
                               "with `order`: pay it with /api/v1/orders/{id}/pay/. A full class puts the child on "
                               "the waitlist, or with `waitlist: false` is refused (`academy_class_full`).",
                   request=EnrolmentInput, responses={201: EnrolmentOutput, **ERROR_RESPONSES})
    def post(self, request):
        serializer = EnrolmentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        student = my_children(customer=self.customer, user=self.user).filter(pk=data["student"]).first()
        if student is None:
            raise InvalidData(details={"student": [_("No customer with this id.")]})
        klass = Class.objects.select_related("course", "branch").filter(pk=data["klass"]).first()
        if klass is None:
            raise InvalidData(details={"klass": [_("No class with this id.")]})
        enrolment = services.enrolment_create(student=student, klass=klass, actor=self.user,
                                              waitlist=data["waitlist"])
        return Response(EnrolmentOutput(self._mine().get(pk=enrolment.pk)).data, status=status.HTTP_201_CREATED)
