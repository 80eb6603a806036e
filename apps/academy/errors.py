"""The academy's refusals (codes are stable: API clients and tests rely on them).
`details` name the class, session, enrolment or student a refusal is about."""

from django.utils.translation import gettext_lazy as _

from apps.core.errors import PlatformError


class NotACourse(PlatformError):
    """`details`: item."""

    code = "academy_not_a_course"
    status = 422
    message = _("Classes and course details are for catalog items of kind “course”.")


class TeacherNotStaff(PlatformError):
    """`details`: teacher (user id)."""

    code = "academy_teacher_not_staff"
    status = 422
    message = _("The teacher must be an active staff member of this workspace.")


class ScheduleOverlap(PlatformError):
    """`details`: class (the other class's id), name, room."""

    code = "academy_schedule_overlap"
    status = 409
    message = _("This schedule overlaps the sessions of another class in the same room.")


class SessionOverlap(PlatformError):
    """`details`: session (the other session's id), class, room."""

    code = "academy_session_overlap"
    status = 409
    message = _("Another session meets in this room at that time.")


class ClassClosed(PlatformError):
    """The class is inactive or has ended; `details`: class."""

    code = "academy_class_closed"
    status = 409
    message = _("This class is not taking enrolments.")


class ClassFull(PlatformError):
    """`details`: class, capacity, taken."""

    code = "academy_class_full"
    status = 409
    message = _("This class is full.")


class AlreadyEnrolled(PlatformError):
    """`details`: enrolment, status."""

    code = "academy_already_enrolled"
    status = 409
    message = _("This student is already enrolled in this class (or waiting for a seat).")


class IllegalEnrolmentMove(PlatformError):
    """`details`: status, requested, allowed."""

    code = "academy_enrolment_illegal_transition"
    status = 409
    message = _("An enrolment that is %(current)s cannot become %(target)s.")


class OfferExpired(PlatformError):
    """`details`: enrolment, expired_at."""

    code = "academy_offer_expired"
    status = 409
    message = _("The offer of a seat has expired.")


class EnrolmentUnpaid(PlatformError):
    """`details`: enrolment, order, total, paid."""

    code = "academy_enrolment_unpaid"
    status = 409
    message = _("The enrolment's order is not paid yet.")


class SessionCancelled(PlatformError):
    """`details`: session."""

    code = "academy_session_cancelled"
    status = 409
    message = _("This session was cancelled.")


class NotEnrolled(PlatformError):
    """`details`: session, class, student (customer id) or enrolment."""

    code = "academy_not_enrolled"
    status = 422
    message = _("This student is not enrolled in the session's class.")


class CheckInCodeInvalid(PlatformError):
    """No session with this code is open for check-in now; `details`: code."""

    code = "academy_check_in_code_invalid"
    status = 404
    message = _("This code does not match a session open for check-in now.")


class PassRequired(PlatformError):
    """`details`: student, class. The class is billed per pass and the student holds no
    active pass with a session left for it."""

    code = "academy_pass_required"
    status = 409
    message = _("%(student)s has no pass with a session left for this class. Sell a pass first.")


class PassExpired(PlatformError):
    """`details`: student, pass, valid_until. The student's pass for the class is past
    its last day (or not yet valid on the session's date)."""

    code = "academy_pass_expired"
    status = 409
    message = _("%(student)s's pass is valid only from %(valid_from)s to %(valid_until)s.")


class PassNotRefundable(PlatformError):
    """`details`: pass, status."""

    code = "academy_pass_not_refundable"
    status = 409
    message = _("Only an active pass can be refunded.")


class PassPlanInvalid(PlatformError):
    """`details`: item, course."""

    code = "academy_pass_plan_invalid"
    status = 422
    message = _("A pass is sold for a catalog item that is not a course, for a course billed per pass.")


class TuitionNotOpen(PlatformError):
    """`details`: invoice, status."""

    code = "academy_tuition_not_open"
    status = 409
    message = _("This tuition invoice is already paid or void.")


class TuitionNotDue(PlatformError):
    """`details`: enrolment, period. Nothing is billed for that month (no session of the
    class falls in it, or the course is billed per pass)."""

    code = "academy_tuition_not_due"
    status = 409
    message = _("There is no tuition to bill for this enrolment that month.")


class TeacherDoubleBooked(PlatformError):
    """The teacher (or substitute) already teaches at that time; `details`: teacher (user
    id), class (the other class's id), name, and for a session session and starts_at."""

    code = "academy_teacher_double_booked"
    status = 409
    message = _("The teacher already teaches another class at that time.")
