"""Guardians and students (consumers): their children, their attendance, enrolling a child."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.consumers.api import ConsumerApi, ConsumerCursorPagination
from apps.consumers.selectors import consumer_family
from apps.core.api import ERROR_RESPONSES
from apps.core.errors import InvalidData, NotFound
from apps.crm import selectors as crm_selectors

from .. import services
from ..models import Attendance, Class, Enrolment
from ..serializers import (
    AttendanceOutput,
    ChildOutput,
    EnrolmentInput,
    EnrolmentOutput,
    ReasonInput,
)
from .common import (
    MY_TAGS,
)


def my_children(*, customer, user):
    """The consumer's own customer record and the children they are the verified
    guardian of (apps.consumers.selectors.consumer_family), with student profiles."""
    return consumer_family(customer=customer, user=user).select_related("student_profile").order_by("name", "id")


class MyChildrenApi(ConsumerApi):
    serializer_class = ChildOutput
    pagination_class = None  # a family's children
    queryset = crm_selectors.customers_live().none()  # for the schema

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
        page = self.paginate_queryset(self._mine())
        return self.get_paginated_response(AttendanceOutput(page, many=True).data)

    def _mine(self):
        return (Attendance.objects.filter(student__in=my_children(customer=self.customer, user=self.user).values("pk"))
                .select_related("student", "session__klass").order_by("-id"))


class MyEnrolmentApi(ConsumerApi):
    serializer_class = EnrolmentOutput
    queryset = Enrolment.objects.none()  # for the schema
    pagination_class = ConsumerCursorPagination

    def _mine(self):
        return (Enrolment.objects.filter(student__in=my_children(customer=self.customer, user=self.user).values("pk"))
                .select_related("klass", "student").order_by("-id"))

    def _one(self, pk: int) -> Enrolment:
        """One of my children's enrolments; another family's is as absent as a missing one."""
        enrolment = self._mine().filter(pk=pk).first()
        if enrolment is None:
            raise NotFound(_("There is no such enrolment."), details={"enrolment": pk})
        return enrolment

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


class MyEnrolmentWithdrawApi(MyEnrolmentApi):
    http_method_names = ["post", "options"]  # not the list's GET (tests/test_url_handlers.py)
    serializer_class = ReasonInput

    @extend_schema(tags=MY_TAGS, summary="Take my child out of a class, its waitlist or an offered seat",
                   description="An unpaid order is cancelled; the seat goes to the first on the waitlist. "
                               "Refusal: `academy_enrolment_illegal_transition` (already withdrawn).",
                   request=ReasonInput, responses={200: EnrolmentOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        enrolment = self._one(pk)  # another family's: 404 before the body is read
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.enrolment_withdraw(enrolment=enrolment, actor=self.user, reason=serializer.validated_data["reason"])
        return Response(EnrolmentOutput(self._mine().get(pk=pk)).data)


class MyEnrolmentAcceptApi(MyEnrolmentApi):
    http_method_names = ["post", "options"]  # not the list's GET
    @extend_schema(tags=MY_TAGS, summary="Accept the seat offered to my child (then pay its order)",
                   description="Refusals: `academy_offer_expired`, `academy_enrolment_illegal_transition` "
                               "(nothing offered).", request=None, responses={200: EnrolmentOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        services.enrolment_offer_accept(enrolment=self._one(pk), actor=self.user)
        return Response(EnrolmentOutput(self._mine().get(pk=pk)).data)
