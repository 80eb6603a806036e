"""Guardians and students (consumers): their children, their attendance, enrolling a child."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.consumers.api import ConsumerApi, ConsumerCursorPagination
from apps.consumers.services import email_verified
from apps.core.api import ERROR_RESPONSES
from apps.core.errors import InvalidData
from apps.crm.models import Customer, GuardianContact

from .. import services
from ..models import Attendance, Class, Enrolment
from ..serializers import (
    AttendanceOutput,
    ChildOutput,
    EnrolmentInput,
    EnrolmentOutput,
)
from .common import (
    MY_TAGS,
)


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
