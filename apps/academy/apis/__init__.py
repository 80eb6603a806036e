"""Academy API: classes, their sessions (cancel, move, substitute), holidays, students,
enrolments (waitlist, withdraw, accept an offered seat) and attendance (a session's
roster, staff marking it, the front-desk kiosk check-in) for staff under
/api/v1/academy/; browsing classes with free seats for anyone; and for guardians and
students (consumers) their children, their attendance and enrolling under /api/v1/my/;
passes and tuition for both (apis.billing).
Thin: parse, call one service or selector, serialise.

Scope: each request reaches the rows its method's permission reaches (a branch grant:
its branches; the `own` scope: a teacher's classes, the sessions they teach or
substitute, the students enrolled in them): the scope selectors are asked with the
method's grant (`selectors.access_as`), so a teacher who may see another branch's
session still cannot mark it. A row outside the reach is absent (404)."""

from .attendance import CheckInApi, SessionAttendanceApi
from .billing import (
    AcademySettingsApi,
    MyPassListApi,
    MyPassPlanListApi,
    MyTuitionListApi,
    PassDetailApi,
    PassListApi,
    PassPlanListApi,
    PassRefundApi,
    TuitionDetailApi,
    TuitionListApi,
    TuitionRecordPaymentApi,
    TuitionVoidApi,
)
from .classes import ClassDetailApi, ClassListApi, OpenClassListApi
from .my import MyAttendanceApi, MyChildrenApi, MyEnrolmentAcceptApi, MyEnrolmentApi, MyEnrolmentWithdrawApi
from .people import (
    EnrolmentAcceptApi,
    EnrolmentDetailApi,
    EnrolmentListApi,
    EnrolmentWithdrawApi,
    StudentDetailApi,
    StudentListApi,
)
from .sessions import (
    HolidayDetailApi,
    HolidayListApi,
    SessionCancelApi,
    SessionListApi,
    SessionMoveApi,
    SessionSubstituteApi,
)

__all__ = [
    "ClassListApi",
    "ClassDetailApi",
    "OpenClassListApi",
    "SessionListApi",
    "SessionCancelApi",
    "SessionMoveApi",
    "SessionSubstituteApi",
    "HolidayListApi",
    "HolidayDetailApi",
    "StudentListApi",
    "StudentDetailApi",
    "EnrolmentListApi",
    "EnrolmentDetailApi",
    "EnrolmentWithdrawApi",
    "EnrolmentAcceptApi",
    "SessionAttendanceApi",
    "CheckInApi",
    "MyChildrenApi",
    "MyAttendanceApi",
    "MyEnrolmentApi",
    "MyEnrolmentWithdrawApi",
    "MyEnrolmentAcceptApi",
    "PassPlanListApi",
    "PassListApi",
    "PassDetailApi",
    "PassRefundApi",
    "TuitionListApi",
    "TuitionDetailApi",
    "TuitionRecordPaymentApi",
    "TuitionVoidApi",
    "AcademySettingsApi",
    "MyPassPlanListApi",
    "MyPassListApi",
    "MyTuitionListApi",
]
