"""Passes and tuition: staff sell and refund passes and see their balance, see the
tuition invoices (the unpaid list), record a cash or bank-transfer payment, void an
invoice, and read or change the academy's billing rules; guardians see their
children's passes and tuition, buy a pass and pay tuition (through the order's
payment, /api/v1/orders/{id}/pay/). Scope: a pass or an invoice is reached through its
student (students_visible_to with the method's grant)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.consumers.api import ConsumerApi, ConsumerCursorPagination
from apps.core.api import ERROR_RESPONSES
from apps.core.errors import InvalidData
from apps.core.filters import FilterBackend
from apps.rbac.api import WorkspaceCursorPagination

from .. import selectors
from ..models import AcademySettings, Pass, PassPlan, TuitionInvoice
from ..serializers import ReasonInput
from ..serializers_billing import (
    AcademySettingsSerializer,
    MethodInput,
    PassBuyInput,
    PassOutput,
    PassPlanOutput,
    TuitionOutput,
)
from ..services import passes as pass_services
from ..services import tuition as tuition_services
from .common import MY_TAGS, TAGS, AcademyApi
from .my import my_children


class StudentOwned(AcademyApi):
    """Rows of the students the method's grant reaches."""

    view_perm = "academy.view_studentprofile"
    model = Pass
    related = ("plan__item", "student", "order")

    def students(self):
        return selectors.students_visible_to(user=self.actor, access=self.scoped_access())

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return self.model.objects.none()
        return self.model.objects.filter(student__in=self.students().values("pk")).select_related(*self.related)


# --- Passes -----------------------------------------------------------------------------


def _on_sale():
    return PassPlan.objects.select_related("item", "course").filter(item__is_active=True)


class PassFilter(filters.FilterSet):
    student = filters.NumberFilter(field_name="student_id")
    status = filters.ChoiceFilter(choices=Pass.Status.choices)

    class Meta:
        model = Pass
        fields = ["student", "status"]


class PassPlanListApi(AcademyApi):
    perms = {"GET": "pass:view"}
    serializer_class = PassPlanOutput
    pagination_class = None  # an academy's handful of plans
    queryset = PassPlan.objects.none()

    @extend_schema(tags=TAGS, summary="The passes on sale (catalog items sold as passes)",
                   responses={200: PassPlanOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        return Response(PassPlanOutput(_on_sale(), many=True).data)


class PassListApi(StudentOwned):
    filter_backends = [FilterBackend]
    filterset_class = PassFilter
    perms = {"GET": "pass:view", "POST": "pass:add"}
    serializer_class = PassOutput

    @extend_schema(tags=TAGS, summary="Students' passes with what is left (by student, status)",
                   responses={200: PassOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()).order_by("-id"))
        return self.get_paginated_response(PassOutput(page, many=True).data)

    @extend_schema(tags=TAGS, summary="Sell a pass to a student (its order is placed: take the payment)",
                   request=PassBuyInput, responses={201: PassOutput, **ERROR_RESPONSES})
    def post(self, request):
        serializer = PassBuyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        student = self.students().filter(pk=serializer.validated_data["student"]).first()
        if student is None:
            raise InvalidData(details={"student": [_("No student with this id.")]})
        made = pass_services.pass_buy(plan=serializer.validated_data["plan"], student=student, actor=self.actor)
        return Response(PassOutput(self.get_queryset().get(pk=made.pk)).data, status=status.HTTP_201_CREATED)


class PassDetailApi(StudentOwned):
    perms = {"GET": "pass:view"}
    serializer_class = PassOutput

    @extend_schema(tags=TAGS, summary="A pass", responses={200: PassOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(PassOutput(self.get_object()).data)


class PassRefundApi(StudentOwned):
    perms = {"POST": "pass:change"}
    serializer_class = ReasonInput

    @extend_schema(tags=TAGS, summary="Refund an active pass (pro-rated by the academy's rule)",
                   description="What comes back follows the academy's `pass_refund_rule`; it is refunded through "
                               "the payment provider. Nothing to give back closes the pass as cancelled. "
                               "Refusal: `academy_pass_not_refundable`.",
                   request=ReasonInput, responses={200: PassOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        student_pass = self.get_object()  # another workspace's or student's pass: 404 before the body is read
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        pass_services.pass_refund(student_pass=student_pass, actor=self.actor,
                                  reason=serializer.validated_data["reason"])
        return Response(PassOutput(self.get_queryset().get(pk=pk)).data)


# --- Tuition ----------------------------------------------------------------------------


class TuitionFilter(filters.FilterSet):
    student = filters.NumberFilter(field_name="student_id")
    status = filters.ChoiceFilter(choices=TuitionInvoice.Status.choices)
    overdue = filters.BooleanFilter(method="_overdue", label="overdue")
    period = filters.DateFilter(field_name="period")

    class Meta:
        model = TuitionInvoice
        fields = ["student", "status", "period"]

    def _overdue(self, queryset, name, value):
        today = timezone.localdate()
        overdue = TuitionInvoice.overdue(today)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class TuitionScoped(StudentOwned):
    model = TuitionInvoice
    related = ("enrolment__klass", "student")


class TuitionPagination(WorkspaceCursorPagination):
    ordering = ("due_on", "id")  # the unpaid list: the longest overdue first (keyset pages: ties by id)


class TuitionListApi(TuitionScoped):
    filter_backends = [FilterBackend]
    filterset_class = TuitionFilter
    perms = {"GET": "tuition:view"}
    serializer_class = TuitionOutput
    pagination_class = TuitionPagination

    @extend_schema(tags=TAGS, summary="Tuition invoices, the earliest due first (the unpaid list: status=open; "
                                      "overdue=true)",
                   responses={200: TuitionOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(TuitionOutput(page, many=True).data)


class TuitionDetailApi(TuitionScoped):
    perms = {"GET": "tuition:view"}
    serializer_class = TuitionOutput

    @extend_schema(tags=TAGS, summary="A tuition invoice", responses={200: TuitionOutput, **ERROR_RESPONSES})
    def get(self, request, pk):
        return Response(TuitionOutput(self.get_object()).data)


class TuitionRecordPaymentApi(TuitionScoped):
    perms = {"POST": "tuition:change"}
    serializer_class = MethodInput

    @extend_schema(tags=TAGS, summary="Record a cash or bank-transfer payment of an invoice",
                   description="Refusal: `academy_tuition_not_open` (already paid or void).",
                   request=MethodInput, responses={200: TuitionOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        invoice = self.get_object()  # 404 before the body is read
        serializer = MethodInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        tuition_services.tuition_record_payment(invoice=invoice, method=serializer.validated_data["method"],
                                                actor=self.actor)
        return Response(TuitionOutput(self.get_queryset().get(pk=pk)).data)


class TuitionVoidApi(TuitionScoped):
    perms = {"POST": "tuition:change"}
    serializer_class = ReasonInput

    @extend_schema(tags=TAGS, summary="Void an unpaid invoice (its order is cancelled)",
                   request=ReasonInput, responses={200: TuitionOutput, **ERROR_RESPONSES})
    def post(self, request, pk):
        invoice = self.get_object()  # 404 before the body is read
        serializer = ReasonInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        tuition_services.tuition_void(invoice=invoice, actor=self.actor, reason=serializer.validated_data["reason"])
        return Response(TuitionOutput(self.get_queryset().get(pk=pk)).data)


class AcademySettingsApi(AcademyApi):
    perms = {"GET": "academysettings:view", "PATCH": "academysettings:change"}
    serializer_class = AcademySettingsSerializer
    queryset = AcademySettings.objects.none()

    @extend_schema(tags=TAGS, summary="The academy's billing rules", responses={200: AcademySettingsSerializer,
                                                                                **ERROR_RESPONSES})
    def get(self, request):
        return Response(AcademySettingsSerializer(tuition_services.academy_settings()).data)

    @extend_schema(tags=TAGS, summary="Change the billing day, days to pay, reminders, refund rule, sibling coupon",
                   request=AcademySettingsSerializer, responses={200: AcademySettingsSerializer, **ERROR_RESPONSES})
    def patch(self, request):
        serializer = AcademySettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = tuition_services.academy_settings_update(actor=self.actor, **serializer.validated_data)
        return Response(AcademySettingsSerializer(row).data)


# --- Guardians --------------------------------------------------------------------------


class MyPassListApi(ConsumerApi):
    serializer_class = PassOutput
    queryset = Pass.objects.none()  # for the schema
    pagination_class = ConsumerCursorPagination

    def _mine(self):
        return (Pass.objects.filter(student__in=my_children(customer=self.customer, user=self.user).values("pk"))
                .select_related("plan__item", "student", "order").order_by("-id"))

    @extend_schema(tags=MY_TAGS, summary="My children's passes with what is left, newest first",
                   responses={200: PassOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self._mine())
        return self.get_paginated_response(PassOutput(page, many=True).data)

    @extend_schema(tags=MY_TAGS, summary="Buy a pass for one of my children (then pay its order)",
                   description="`plan` is one of /api/v1/academy/pass-plans/ (`item`: the catalog item); pay the "
                               "returned `order` with /api/v1/orders/{id}/pay/.",
                   request=PassBuyInput, responses={201: PassOutput, **ERROR_RESPONSES})
    def post(self, request):
        serializer = PassBuyInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        student = my_children(customer=self.customer, user=self.user).filter(
            pk=serializer.validated_data["student"]).first()
        if student is None:
            raise InvalidData(details={"student": [_("No customer with this id.")]})
        made = pass_services.pass_buy(plan=serializer.validated_data["plan"], student=student, actor=self.user)
        return Response(PassOutput(self._mine().get(pk=made.pk)).data, status=status.HTTP_201_CREATED)


class MyPassPlanListApi(ConsumerApi):
    serializer_class = PassPlanOutput
    pagination_class = None
    queryset = PassPlan.objects.none()

    @extend_schema(tags=MY_TAGS, summary="The passes on sale", responses={200: PassPlanOutput(many=True),
                                                                          **ERROR_RESPONSES})
    def get(self, request):
        return Response(PassPlanOutput(_on_sale(), many=True).data)


class MyTuitionListApi(ConsumerApi):
    serializer_class = TuitionOutput
    queryset = TuitionInvoice.objects.none()  # for the schema
    pagination_class = ConsumerCursorPagination

    @extend_schema(tags=MY_TAGS, summary="My children's tuition invoices, newest first",
                   description="Pay an open one with /api/v1/orders/{order}/pay/.",
                   responses={200: TuitionOutput(many=True), **ERROR_RESPONSES})
    def get(self, request):
        page = self.paginate_queryset(self._mine())
        return self.get_paginated_response(TuitionOutput(page, many=True).data)

    def _mine(self):
        return (TuitionInvoice.objects.filter(
            student__in=my_children(customer=self.customer, user=self.user).values("pk"))
            .select_related("enrolment__klass", "student").order_by("-id"))
