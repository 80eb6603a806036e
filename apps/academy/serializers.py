"""The academy API's shapes: input checked for type and form here (the services decide
the rest: schedules, rooms, seats, who is enrolled), output flat with labels."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.branches.models import Branch
from apps.catalog.models import Item
from apps.core.serializers import ModelSerializer, StrictCharField

from .models import Attendance, Class, Enrolment, Holiday, Session
from .models.classes import MAX_DURATION_MINUTES

# --- Classes ----------------------------------------------------------------------------


class ClassInput(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Item.objects.filter(kind=Item.Kind.COURSE),
                                                help_text=_("The course's catalog item (of kind “course”)."))
    teacher = serializers.IntegerField(min_value=1, help_text=_("The teacher's user id (a staff member)."))
    branch = serializers.PrimaryKeyRelatedField(queryset=Branch.objects.all())
    name = StrictCharField(max_length=120, required=False, allow_blank=True, default="")
    room = StrictCharField(max_length=60, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, max_value=32767)
    weekdays = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6), allow_empty=False,
                                     max_length=7, help_text=_("0 is Monday, 6 is Sunday."))
    start_time = serializers.TimeField(help_text=_("In the branch's time zone."))
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_DURATION_MINUTES)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class ClassUpdateInput(serializers.Serializer):
    teacher = serializers.IntegerField(min_value=1, required=False,
                                       help_text=_("The teacher's user id (a staff member)."))
    name = StrictCharField(max_length=120, required=False)
    room = StrictCharField(max_length=60, required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, max_value=32767, required=False)
    weekdays = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6), allow_empty=False,
                                     max_length=7, required=False)
    start_time = serializers.TimeField(required=False)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=MAX_DURATION_MINUTES, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


class ClassOutput(ModelSerializer):
    course_name = serializers.CharField(source="course.name")
    branch_name = serializers.CharField(source="branch.name")

    class Meta:
        model = Class
        fields = ["id", "name", "course", "course_name", "teacher", "branch", "branch_name", "room", "capacity",
                  "weekdays", "start_time", "duration_minutes", "starts_on", "ends_on", "is_active", "created_at",
                  "updated_at"]


class OpenClassOutput(ModelSerializer):
    course_name = serializers.CharField(source="course.name")
    price = serializers.IntegerField(source="course.price")
    branch_name = serializers.CharField(source="branch.name")
    seats_free = serializers.SerializerMethodField()

    class Meta:
        model = Class
        fields = ["id", "name", "course", "course_name", "price", "branch", "branch_name", "room", "capacity",
                  "seats_free", "weekdays", "start_time", "duration_minutes", "starts_on", "ends_on"]

    def get_seats_free(self, klass) -> int:
        return max(klass.capacity - klass.seats_taken, 0)


# --- Sessions and holidays --------------------------------------------------------------


class SessionOutput(ModelSerializer):
    class_name = serializers.CharField(source="klass.name")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Session
        fields = ["id", "klass", "class_name", "planned_start", "starts_at", "ends_at", "status", "status_label",
                  "cancel_reason", "cancelled_at", "substitute_teacher", "check_in_code"]
        extra_kwargs = {"klass": {"label": _("class")}}


class CancelInput(serializers.Serializer):
    reason = StrictCharField(max_length=500)


class MoveInput(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text=_("The new start, with its time zone."))
    reason = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class SubstituteInput(serializers.Serializer):
    teacher = serializers.IntegerField(min_value=1, allow_null=True,
                                       help_text=_("The substitute's user id; null for the class's own teacher."))


class HolidaySerializer(ModelSerializer):
    name = StrictCharField(max_length=120)

    class Meta:
        model = Holiday
        fields = ["id", "date", "name", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"date": {"validators": []}}  # a second holiday on a day is the service's refusal


# --- Students ---------------------------------------------------------------------------


class StudentInput(serializers.Serializer):
    customer = serializers.IntegerField(min_value=1, help_text=_("The CRM customer who is the student."))
    school = StrictCharField(max_length=120, required=False, allow_blank=True, default="")
    grade = StrictCharField(max_length=30, required=False, allow_blank=True, default="")
    notes = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


class StudentUpdateInput(serializers.Serializer):
    school = StrictCharField(max_length=120, required=False, allow_blank=True)
    grade = StrictCharField(max_length=30, required=False, allow_blank=True)
    notes = StrictCharField(max_length=2000, required=False, allow_blank=True)


class GuardianOutput(serializers.Serializer):
    name = serializers.CharField()
    relation = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class StudentOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The CRM customer's id."))
    name = serializers.CharField()
    branch = serializers.IntegerField(source="branch_id", allow_null=True)
    school = serializers.CharField(source="student_profile.school")
    grade = serializers.CharField(source="student_profile.grade")
    notes = serializers.CharField(source="student_profile.notes")
    guardians = GuardianOutput(many=True, source="guardians.all")


class ChildOutput(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The CRM customer's id."))
    name = serializers.CharField()
    school = serializers.SerializerMethodField()
    grade = serializers.SerializerMethodField()

    def _profile(self, customer):
        return getattr(customer, "student_profile", None)

    def get_school(self, customer) -> str:
        return getattr(self._profile(customer), "school", "")

    def get_grade(self, customer) -> str:
        return getattr(self._profile(customer), "grade", "")


# --- Enrolments -------------------------------------------------------------------------


class EnrolmentInput(serializers.Serializer):
    klass = serializers.IntegerField(min_value=1, label=_("class"))
    student = serializers.IntegerField(min_value=1, help_text=_("The CRM customer's id."))
    waitlist = serializers.BooleanField(required=False, default=True,
                                        help_text=_("Wait for a seat when the class is full (else refused)."))


class ReasonInput(serializers.Serializer):
    reason = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class EnrolmentOutput(ModelSerializer):
    class_name = serializers.CharField(source="klass.name")
    student_name = serializers.CharField(source="student.name")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Enrolment
        fields = ["id", "klass", "class_name", "student", "student_name", "status", "status_label",
                  "waitlist_position", "offer_expires_at", "order", "activated_at", "withdrawn_at", "created_at"]
        extra_kwargs = {"klass": {"label": _("class")}}


# --- Attendance -------------------------------------------------------------------------


class RecordInput(serializers.Serializer):
    student = serializers.IntegerField(min_value=1, help_text=_("The CRM customer's id."))
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    note = StrictCharField(max_length=200, required=False, allow_blank=True, default="")


class AttendanceInput(serializers.Serializer):
    records = RecordInput(many=True, allow_empty=False, max_length=500)


class CheckInInput(serializers.Serializer):
    code = StrictCharField(max_length=8)
    student = serializers.IntegerField(min_value=1, help_text=_("The CRM customer's id."))


class RosterRowOutput(serializers.Serializer):
    enrolment = serializers.IntegerField()
    student = serializers.IntegerField()
    student_name = serializers.CharField()
    status = serializers.CharField(allow_null=True)
    status_label = serializers.CharField(allow_null=True)
    note = serializers.CharField()
    source = serializers.CharField(allow_null=True)
    marked_at = serializers.DateTimeField(allow_null=True)


def roster_rows(pairs) -> list[dict]:
    """(enrolment, attendance or None) pairs as RosterRowOutput's rows."""
    return [{"enrolment": enrolment.pk, "student": enrolment.student_id, "student_name": enrolment.student.name,
             "status": getattr(row, "status", None), "status_label": row.get_status_display() if row else None,
             "note": getattr(row, "note", ""), "source": getattr(row, "source", None),
             "marked_at": getattr(row, "marked_at", None)} for enrolment, row in pairs]


class AttendanceOutput(ModelSerializer):
    student_name = serializers.CharField(source="student.name")
    status_label = serializers.CharField(source="get_status_display")
    class_name = serializers.CharField(source="session.klass.name")
    starts_at = serializers.DateTimeField(source="session.starts_at")

    class Meta:
        model = Attendance
        fields = ["id", "session", "class_name", "starts_at", "student", "student_name", "status", "status_label",
                  "note", "source", "marked_at"]
