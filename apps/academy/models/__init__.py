"""The academy's tables (tenant schema): students (a profile on a CRM customer), course
details on catalog items of kind `course`, classes with a weekly schedule, the
workspace's holidays, sessions generated from the schedules, enrolments (orders of kind
`enrolment`) with their waitlist, attendance, passes and monthly tuition invoices."""

from .billing import AcademySettings, Pass, PassPlan, PassUse, TuitionInvoice
from .classes import Class, CourseDetails, Holiday
from .enrolments import Enrolment, EnrolmentTransition
from .sessions import Attendance, Session
from .students import StudentProfile

__all__ = ["AcademySettings", "Attendance", "Class", "CourseDetails", "Enrolment", "EnrolmentTransition", "Holiday",
           "Pass", "PassPlan", "PassUse", "Session", "StudentProfile", "TuitionInvoice"]
