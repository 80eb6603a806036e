"""The academy's data in the workspace export (apps.workspace.export): classes, sessions,
enrolments, attendance, passes and tuition; a session's check-in code stays out."""

from apps.core.datasets import dataset

from .models import (
    AcademySettings,
    Attendance,
    Class,
    CourseDetails,
    Enrolment,
    EnrolmentTransition,
    Holiday,
    Pass,
    PassPlan,
    PassUse,
    Session,
    StudentProfile,
    TuitionInvoice,
)

dataset("academy/settings", AcademySettings, single=True)
dataset("academy/course_details", CourseDetails)
dataset("academy/classes", Class)
dataset("academy/holidays", Holiday)
dataset("academy/sessions", Session, exclude=["check_in_code"])
dataset("academy/students", StudentProfile, customer="customer_id")
dataset("academy/enrolments", Enrolment, customer="student_id")
dataset("academy/enrolment_transitions", EnrolmentTransition, customer="enrolment__student_id")
dataset("academy/attendance", Attendance, customer="student_id")
dataset("academy/pass_plans", PassPlan)
dataset("academy/passes", Pass, customer="student_id")
dataset("academy/pass_uses", PassUse, customer="student_pass__student_id")
dataset("academy/tuition_invoices", TuitionInvoice, customer="student_id")
