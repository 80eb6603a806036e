"""Students and enrolments (waitlist, withdraw, accept an offered seat)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.authz import catalogue
from apps.core.api import ERROR_RESPONSES
from apps.core.errors import InvalidData
from apps.core.filters import FilterBackend
from apps.crm import selectors as crm_selectors

from .. import selectors, services
from ..models import Enrolment
from ..serializers import (
    EnrolmentInput,
    EnrolmentOutput,
    ReasonInput,
    StudentInput,
    StudentOutput,
    StudentUpdateInput,
)
from .common import (
    TAGS,
    EnrolmentScoped,
    StudentScoped,
)


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
        customers = crm_selectors.customers_live()
        allowed = self.branch_ids()
        if allowed is not None:
            customers = customers.filter(branch_id__in=allowed)
        customer = customers.filter(pk=data.pop("customer")).first()
        if customer is None:
            raise InvalidData(details={"customer": [_("No customer with this id.")]})
        services.student_profile_set(customer=customer, actor=self.actor, **data)
        student = selectors.students_visible_to(user=self.actor, access=self.access).filter(pk=customer.pk).first()
        if student is None:  # made, but outside what the caller may see: the profile without its guardians
            student = crm_selectors.customers_live().select_related("student_profile").get(pk=customer.pk)
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


def enrol(payload, *, access, actor):
    """Enrol a student in a class for the caller (the REST API's and GraphQL's one way):
    the class and the student must be within what `enrolment:add` reaches for them (else an
    unknown id, `validation_error`); then apps.academy.services.enrolment_create."""
    serializer = EnrolmentInput(data=payload)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    perm = catalogue.django_perm("enrolment:add")
    klass = selectors.classes_visible_to(user=actor, access=selectors.access_as(access, perm, "academy.view_class")
                                         ).filter(pk=data["klass"]).first()
    if klass is None:
        raise InvalidData(details={"klass": [_("No class with this id.")]})
    # a student the method's grant does not reach reads as an unknown id
    students = selectors.customers_enrollable_by(
        user=actor, access=selectors.access_as(access, perm, "academy.view_studentprofile"))
    student = students.filter(pk=data["student"]).first()
    if student is None:
        raise InvalidData(details={"student": [_("No customer with this id.")]})
    return services.enrolment_create(student=student, klass=klass, actor=actor, waitlist=data["waitlist"])


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
                               "`academy_class_closed`, `academy_already_enrolled`; a class or student "
                               "outside your reach is refused as an unknown id (`validation_error`).",
                   request=EnrolmentInput, responses={201: EnrolmentOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Enrol", value={"klass": 3, "student": 42, "waitlist": True},
                                            request_only=True)])
    def post(self, request):
        enrolment = enrol(request.data, access=self.access, actor=self.actor)
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
