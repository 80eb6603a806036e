"""The audit actions apps.academy writes, as a person reads them (see apps.audit.labels)."""

from django.utils.translation import pgettext_lazy

from apps.audit.labels import register_action_labels


def register() -> None:
    register_action_labels({
        "academy.student_created": pgettext_lazy("audit action", "Student registered"),
        "academy.student_updated": pgettext_lazy("audit action", "Student profile changed"),
        "academy.course_details_set": pgettext_lazy("audit action", "Course details set"),
        "academy.class_created": pgettext_lazy("audit action", "Class created"),
        "academy.class_updated": pgettext_lazy("audit action", "Class changed"),
        "academy.holiday_created": pgettext_lazy("audit action", "Holiday added"),
        "academy.holiday_deleted": pgettext_lazy("audit action", "Holiday removed"),
        "academy.sessions_generated": pgettext_lazy("audit action", "Class sessions generated"),
        "academy.session_cancelled": pgettext_lazy("audit action", "Class session cancelled"),
        "academy.session_moved": pgettext_lazy("audit action", "Class session moved"),
        "academy.session_substitute_set": pgettext_lazy("audit action", "Substitute teacher set"),
        "academy.enrolment_created": pgettext_lazy("audit action", "Student enrolled"),
        "academy.enrolment_order_placed": pgettext_lazy("audit action", "Enrolment order placed"),
        "academy.enrolment_activated": pgettext_lazy("audit action", "Enrolment confirmed"),
        "academy.enrolment_paused": pgettext_lazy("audit action", "Enrolment paused"),
        "academy.enrolment_resumed": pgettext_lazy("audit action", "Enrolment resumed"),
        "academy.enrolment_withdrawn": pgettext_lazy("audit action", "Student withdrawn"),
        "academy.seat_offered": pgettext_lazy("audit action", "Seat offered from the waitlist"),
        "academy.offer_accepted": pgettext_lazy("audit action", "Offered seat accepted"),
        "academy.offer_expired": pgettext_lazy("audit action", "Offered seat expired"),
        "academy.attendance_taken": pgettext_lazy("audit action", "Attendance taken"),
        "academy.attendance_checked_in": pgettext_lazy("audit action", "Checked in at the kiosk"),
        "academy.pass_plan_set": pgettext_lazy("audit action", "Pass plan set"),
        "academy.pass_created": pgettext_lazy("audit action", "Pass sold"),
        "academy.pass_activated": pgettext_lazy("audit action", "Pass activated"),
        "academy.pass_cancelled": pgettext_lazy("audit action", "Pass cancelled"),
        "academy.pass_refunded": pgettext_lazy("audit action", "Pass refunded"),
        "academy.pass_refund_failed": pgettext_lazy("audit action", "Pass refund failed"),
        "academy.settings_changed": pgettext_lazy("audit action", "Academy billing rules changed"),
        "academy.tuition_issued": pgettext_lazy("audit action", "Tuition issued"),
        "academy.tuition_paid": pgettext_lazy("audit action", "Tuition paid"),
        "academy.tuition_reminded": pgettext_lazy("audit action", "Overdue tuition reminder sent"),
        "academy.tuition_void": pgettext_lazy("audit action", "Tuition invoice voided"),
    })
