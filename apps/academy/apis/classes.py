"""Classes, and the classes with free seats anyone may browse."""

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

from apps.core.api import ERROR_RESPONSES
from apps.core.errors import InvalidData
from apps.core.filters import FilterBackend
from apps.core.keyset import StrictPageSize

from .. import selectors, services
from ..models import Class
from ..serializers import (
    ClassInput,
    ClassOutput,
    ClassUpdateInput,
    OpenClassOutput,
)
from .common import (
    TAGS,
    ClassScoped,
    _user,
)

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
                               "`academy_teacher_double_booked` (the teacher has another class then, at any "
                               "branch), `validation_error` (a schedule that is not valid; a branch outside your "
                               "reach).",
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


class OpenClassPagination(StrictPageSize, CursorPagination):
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
