"""The shapes of passes, tuition invoices and the academy's billing rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.serializers import ModelSerializer
from apps.coupons.models import Coupon

from .models import AcademySettings, Pass, PassPlan, TuitionInvoice


class PassPlanOutput(ModelSerializer):
    name = serializers.CharField(source="item.name")
    price = serializers.IntegerField(source="item.price")
    currency = serializers.CharField(source="item.currency")
    kind_label = serializers.CharField(source="get_kind_display")
    course_name = serializers.CharField(source="course.name", default="")

    class Meta:
        model = PassPlan
        fields = ["id", "item", "name", "price", "currency", "kind", "kind_label", "sessions", "valid_days",
                  "course", "course_name"]


class PassBuyInput(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=PassPlan.objects.filter(item__is_active=True).select_related(
        "item"), help_text=_("A pass plan on sale (/api/v1/academy/pass-plans/)."))
    student = serializers.IntegerField(min_value=1)


class PassOutput(ModelSerializer):
    name = serializers.CharField(source="plan.item.name")
    student_name = serializers.CharField(source="student.name")
    status_label = serializers.CharField(source="get_status_display")
    sessions_left = serializers.IntegerField(allow_null=True)
    expired = serializers.SerializerMethodField(help_text=_("Active but past its last day."))

    class Meta:
        model = Pass
        fields = ["id", "plan", "name", "student", "student_name", "status", "status_label", "expired", "order",
                  "sessions_total", "sessions_used", "sessions_left", "valid_from", "valid_until", "price",
                  "refunded_amount", "currency", "reason", "created_at", "activated_at", "closed_at"]

    def get_expired(self, obj) -> bool:
        return obj.is_expired


class TuitionOutput(ModelSerializer):
    class_name = serializers.CharField(source="enrolment.klass.name")
    student_name = serializers.CharField(source="student.name")
    status_label = serializers.CharField(source="get_status_display")
    paid_via_label = serializers.CharField(source="get_paid_via_display")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = TuitionInvoice
        fields = ["id", "enrolment", "class_name", "student", "student_name", "period", "status", "status_label",
                  "overdue", "currency", "list_amount", "sessions_in_month", "sessions_billed", "proration",
                  "sibling_discount", "total", "order", "due_on", "paid_via", "paid_via_label", "paid_at",
                  "reminders_sent", "created_at"]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue


class MethodInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=[TuitionInvoice.Method.CASH, TuitionInvoice.Method.TRANSFER])


class AcademySettingsSerializer(ModelSerializer):
    sibling_coupon = serializers.PrimaryKeyRelatedField(queryset=Coupon.objects.all(), allow_null=True,
                                                        required=False)
    pass_refund_rule_label = serializers.CharField(source="get_pass_refund_rule_display", read_only=True)

    class Meta:
        model = AcademySettings
        fields = ["billing_day", "due_days", "reminder_every_days", "reminders_max", "pass_refund_rule",
                  "pass_refund_rule_label", "sibling_coupon", "updated_at"]
        read_only_fields = ["updated_at"]
