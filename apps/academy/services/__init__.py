"""The academy's writes, one module per concept: students and courses, classes and
holidays, sessions, enrolments and their waitlist offers, attendance. Each service is
keyword-only, owns its transaction and writes its audit row and domain events in it."""

from .attendance import attendance_check_in, attendance_take
from .classes import class_create, class_update, holiday_create, holiday_delete
from .enrolments import (
    enrolment_activate,
    enrolment_create,
    enrolment_pause,
    enrolment_resume,
    enrolment_withdraw,
)
from .offers import enrolment_offer_accept, enrolments_orders_complete, offers_expire, seats_offer
from .sessions import session_cancel, session_move, session_substitute_set, sessions_generate
from .students import course_details_set, student_profile_set

__all__ = ["attendance_check_in", "attendance_take", "class_create", "class_update", "course_details_set",
           "enrolment_activate", "enrolment_create", "enrolment_offer_accept", "enrolment_pause", "enrolment_resume",
           "enrolment_withdraw", "enrolments_orders_complete", "holiday_create", "holiday_delete", "offers_expire",
           "seats_offer", "session_cancel", "session_move", "session_substitute_set", "sessions_generate",
           "student_profile_set"]
