"""Sessions (cancel, move, substitute) and holidays."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.api import ERROR_RESPONSES
from apps.core.filters import FilterBackend
from apps.rbac.api import WorkspaceApi, WorkspaceCursorPagination

from .. import services
from ..models import Holiday, Session
from ..serializers import (
    CancelInput,
    HolidaySerializer,
    MoveInput,
    SessionOutput,
    SubstituteInput,
)
from .common import (
    TAGS,
    SessionScoped,
    _user,
)


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
                               "`academy_teacher_double_booked` (whoever teaches it teaches another session then), "
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
                   description="Refusals: `academy_teacher_not_staff`, `academy_teacher_double_booked` (the "
                               "substitute, or the class's teacher when cleared, teaches another session then).",
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
