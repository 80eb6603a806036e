"""A session's roll call and the front-desk kiosk check-in."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from apps.core.api import ERROR_RESPONSES
from apps.core.errors import InvalidData
from apps.crm import selectors as crm_selectors

from .. import selectors, services
from ..models import Attendance
from ..serializers import (
    AttendanceInput,
    AttendanceOutput,
    CheckInInput,
    RosterRowOutput,
    roster_rows,
)
from .common import (
    TAGS,
    SessionScoped,
)


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


class CheckInApi(SessionScoped):
    """Codes of the sessions the kiosk's grant reaches (a role limited to branches: those
    branches' sessions); any other code answers as a wrong one, telling nothing of it."""

    perms = {"POST": "attendance:add"}
    serializer_class = CheckInInput

    @extend_schema(tags=TAGS, summary="Kiosk check-in at the front desk: a session's code and the student",
                   description="The code of a session open for check-in now (shortly before its start until its "
                               "end); present, or late after the grace period. Refusals: "
                               "`academy_check_in_code_invalid` (404: wrong code, outside its window or a session "
                               "outside your branches), "
                               "`academy_not_enrolled`.",
                   request=CheckInInput, responses={200: AttendanceOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Check in", value={"code": "K7QM2P", "student": 42},
                                            request_only=True)])
    def post(self, request):
        serializer = CheckInInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        student = crm_selectors.customers_live().filter(pk=data["student"]).first()
        if student is None:
            raise InvalidData(details={"student": [_("No customer with this id.")]})
        row = services.attendance_check_in(code=data["code"], student=student, sessions=self.get_queryset())
        row = Attendance.objects.select_related("student", "session__klass").get(pk=row.pk)
        return Response(AttendanceOutput(row).data)


# --- Guardians and students (consumers) ------------------------------------------------
