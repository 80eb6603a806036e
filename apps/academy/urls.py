from django.urls import path

from . import apis

urlpatterns = [
    path("academy/classes/", apis.ClassListApi.as_view(), name="academy-class-list"),
    path("academy/classes/open/", apis.OpenClassListApi.as_view(), name="academy-class-open"),
    path("academy/classes/<int:pk>/", apis.ClassDetailApi.as_view(), name="academy-class-detail"),
    path("academy/sessions/", apis.SessionListApi.as_view(), name="academy-session-list"),
    path("academy/sessions/<int:pk>/cancel/", apis.SessionCancelApi.as_view(), name="academy-session-cancel"),
    path("academy/sessions/<int:pk>/move/", apis.SessionMoveApi.as_view(), name="academy-session-move"),
    path("academy/sessions/<int:pk>/substitute/", apis.SessionSubstituteApi.as_view(),
         name="academy-session-substitute"),
    path("academy/sessions/<int:pk>/attendance/", apis.SessionAttendanceApi.as_view(),
         name="academy-session-attendance"),
    path("academy/check-in/", apis.CheckInApi.as_view(), name="academy-check-in"),
    path("academy/holidays/", apis.HolidayListApi.as_view(), name="academy-holiday-list"),
    path("academy/holidays/<int:pk>/", apis.HolidayDetailApi.as_view(), name="academy-holiday-detail"),
    path("academy/students/", apis.StudentListApi.as_view(), name="academy-student-list"),
    path("academy/students/<int:pk>/", apis.StudentDetailApi.as_view(), name="academy-student-detail"),
    path("academy/enrolments/", apis.EnrolmentListApi.as_view(), name="academy-enrolment-list"),
    path("academy/enrolments/<int:pk>/", apis.EnrolmentDetailApi.as_view(), name="academy-enrolment-detail"),
    path("academy/enrolments/<int:pk>/withdraw/", apis.EnrolmentWithdrawApi.as_view(),
         name="academy-enrolment-withdraw"),
    path("academy/enrolments/<int:pk>/accept-offer/", apis.EnrolmentAcceptApi.as_view(),
         name="academy-enrolment-accept"),
    path("my/children/", apis.MyChildrenApi.as_view(), name="my-children"),
    path("my/attendance/", apis.MyAttendanceApi.as_view(), name="my-attendance"),
    path("my/enrolments/", apis.MyEnrolmentApi.as_view(), name="my-enrolment-list"),
]
